"""Migration steps for the platform tables, shared by the three first migrations.

Frozen: a later change to the platform tables gets a new function and new migrations, never an
edit here, so old migrations keep meaning what they meant.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def create_platform_tables_v1() -> None:
    """Create ``api_keys``, ``outbox_messages`` and ``worker_heartbeats``."""
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("destination", sa.String(100), nullable=False),
        sa.Column("ordering_key", sa.String(200)),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS),
    )
    op.create_index("ix_outbox_due", "outbox_messages", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_ordering", "outbox_messages", ["ordering_key", "id"])
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker_id", sa.String(100), primary_key=True),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("beat_at", _TS, nullable=False),
    )


def create_set_aside_v2() -> None:
    """Create ``set_aside_items``: work items a worker job could not process, kept out of its way."""
    op.create_table(
        "set_aside_items",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", _TS, nullable=False),
        sa.Column("last_failed_at", _TS, nullable=False),
        sa.Column("released_at", _TS),
        sa.UniqueConstraint("kind", "item_key", name="uq_set_aside_item"),
    )


def drop_set_aside_v2() -> None:
    """Drop what ``create_set_aside_v2`` created."""
    op.drop_table("set_aside_items")


def drop_platform_tables_v1() -> None:
    """Drop what ``create_platform_tables_v1`` created."""
    op.drop_table("worker_heartbeats")
    op.drop_index("ix_outbox_ordering", table_name="outbox_messages")
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_table("api_keys")
