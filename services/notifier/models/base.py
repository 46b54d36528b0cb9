"""Declarative base and platform tables of the notifier service."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.orm import DeclarativeBase

from services.common.tables import define_platform_tables

BigId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    """Declarative base of the notifier service's own metadata."""


PLATFORM = define_platform_tables(Base.metadata)
