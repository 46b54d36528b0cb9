"""Marshmallow schemas of every HTTP contract, one module per resource family."""
