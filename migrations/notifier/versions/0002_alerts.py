"""Subscriptions, alert episodes, deliveries and low-score signals.

Revision ID: notifier_0002
Revises: notifier_0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "notifier_0002"
down_revision = "notifier_0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("volume_of", sa.String(8), nullable=False),
        sa.Column("rule_kind", sa.String(16), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), nullable=False),
        sa.Column("muted_until", TS),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("unsubscribe_token", sa.String(64), nullable=False, unique=True),
        sa.Column("next_evaluation_at", TS),
        sa.Column("decided_window_end", TS),
        sa.Column("digest_from", TS),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_subscriptions_owner", "subscriptions", ["owner"])
    op.create_index("ix_subscriptions_due", "subscriptions", ["active", "next_evaluation_at"])
    op.create_index("ix_subscriptions_rule_kind", "subscriptions", ["rule_kind", "active"])
    op.create_table(
        "alert_episodes",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(32),
                  sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope_key", sa.String(400), nullable=False),
        sa.Column("group", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("open_key", sa.String(440), unique=True),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("notified_at", TS),
        sa.Column("resolved_at", TS),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
    )
    op.create_index("ix_alert_episodes_subscription", "alert_episodes", ["subscription_id", "state"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(32),
                  sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("episode_id", BIG_ID, sa.ForeignKey("alert_episodes.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel_type", sa.String(16), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_alert_deliveries_subscription_id", "alert_deliveries", ["subscription_id"])
    op.create_index("ix_alert_deliveries_episode_id", "alert_deliveries", ["episode_id"])
    op.create_table(
        "signals",
        sa.Column("response_id", sa.String(64), primary_key=True),
        sa.Column("survey_id", sa.String(64), nullable=False),
        sa.Column("touchpoint", sa.String(64)),
        sa.Column("channel", sa.String(32)),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("answered_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_index("ix_signals_received_at", "signals", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_signals_received_at", table_name="signals")
    op.drop_table("signals")
    op.drop_index("ix_alert_deliveries_episode_id", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_subscription_id", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_episodes_subscription", table_name="alert_episodes")
    op.drop_table("alert_episodes")
    op.drop_index("ix_subscriptions_rule_kind", table_name="subscriptions")
    op.drop_index("ix_subscriptions_due", table_name="subscriptions")
    op.drop_index("ix_subscriptions_owner", table_name="subscriptions")
    op.drop_table("subscriptions")
