"""Declarative base, platform tables and column types of the survey service."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

from services.common.tables import define_platform_tables
from services.common.types import UtcDateTime

__all__ = ["Base", "BigId", "JSON", "JsonDoc", "PLATFORM", "UtcDateTime"]

BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base of the survey service's own metadata."""


PLATFORM = define_platform_tables(Base.metadata)
