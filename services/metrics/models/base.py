"""Declarative base and platform tables of the metrics service."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.common.tables import define_platform_tables


class Base(DeclarativeBase):
    """Declarative base of the metrics service's own metadata."""


PLATFORM = define_platform_tables(Base.metadata)
