"""Declarative base and platform tables of the notifier service."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import DeclarativeBase

from services.common.tables import define_platform_tables
from services.common.types import UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = UtcDateTime()  # aware UTC on SQLite too


class Base(DeclarativeBase):
    """Declarative base of the notifier service's own metadata."""


PLATFORM = define_platform_tables(Base.metadata)
