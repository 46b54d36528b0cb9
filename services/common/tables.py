"""Tables every service has in its own database: API keys, the outbox, worker heartbeats, set-aside items.

Each service calls ``define_platform_tables(Base.metadata)`` so these live beside its own tables
and are created by its own first migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from services.common.types import UtcDateTime

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class PlatformTables:
    """The platform tables of one service's metadata."""

    api_keys: Table
    outbox: Table
    heartbeats: Table
    set_aside: Table


def define_platform_tables(metadata: MetaData) -> PlatformTables:
    """Add the platform tables to ``metadata`` and return them."""
    api_keys = Table(
        "api_keys", metadata,
        Column("key_id", String(32), primary_key=True),
        Column("key_hash", String(64), nullable=False, unique=True),
        Column("role", String(32), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("revoked_at", UtcDateTime()),
    )
    outbox = Table(
        "outbox_messages", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("topic", String(100), nullable=False),
        Column("destination", String(100), nullable=False),
        Column("ordering_key", String(200)),
        Column("idempotency_key", String(200), nullable=False, unique=True),
        Column("payload", JSON, nullable=False),
        Column("status", String(16), nullable=False, default="pending"),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("next_attempt_at", UtcDateTime(), nullable=False),
        Column("delivered_at", UtcDateTime()),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_ordering", "ordering_key", "id"),
    )
    heartbeats = Table(
        "worker_heartbeats", metadata,
        Column("worker_id", String(100), primary_key=True),
        Column("started_at", UtcDateTime(), nullable=False),
        Column("beat_at", UtcDateTime(), nullable=False),
    )
    set_aside = Table(
        "set_aside_items", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("kind", String(32), nullable=False),
        Column("item_key", String(200), nullable=False),
        Column("reason", Text, nullable=False),
        Column("failures", Integer, nullable=False),
        Column("first_failed_at", UtcDateTime(), nullable=False),
        Column("last_failed_at", UtcDateTime(), nullable=False),
        Column("released_at", UtcDateTime()),
        UniqueConstraint("kind", "item_key", name="uq_set_aside_item"),
    )
    return PlatformTables(api_keys=api_keys, outbox=outbox, heartbeats=heartbeats, set_aside=set_aside)
