"""Pure statistics for cxloop: arrays in, frozen dataclasses out.

Nothing here imports Flask, SQLAlchemy, marshmallow or HTTP clients (import-linter checks it).
"""
