"""Tests on JSON columns (JSONB on PostgreSQL, JSON text on SQLite) written for each dialect, so reads
that look inside answers can count in the database instead of fetching every document."""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, exists, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from services.common.db import is_postgres


def _path(key: str) -> str:
    return "$." + json.dumps(key)  # a quoted member name: any key, whatever its characters


def json_has_key(session: Session, column, key: str) -> ColumnElement[bool]:
    """The object in ``column`` has the member ``key`` (whatever its value, JSON null included)."""
    if is_postgres(session):
        return type_coerce(column, JSONB).has_key(key)
    return func.json_type(column, literal(_path(key))).is_not(None)


def json_is_null(session: Session, column) -> ColumnElement[bool]:
    """``column`` holds the JSON value null (a stored Python None), not SQL NULL."""
    if is_postgres(session):
        return func.jsonb_typeof(column) == "null"
    return func.json_type(column) == "null"


def json_array_holds(session: Session, column, value: str) -> ColumnElement[bool]:
    """The array in ``column`` has the string ``value`` among its elements."""
    if is_postgres(session):
        return type_coerce(column, JSONB).has_key(value)  # ``?`` matches an array's string elements
    each = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == value))
