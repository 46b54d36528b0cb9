"""Contracts shared by the cxloop services: schemas, the error envelope, auth helpers, the HTTP client.

Framework-free: nothing here imports Flask, SQLAlchemy or any service (import-linter checks it).
"""
