"""Outbound HTTP to the other services."""
