"""Surveys, versions, touchpoints (seeded), customers, journey events, triggers, invitations.

Revision ID: survey_0002
Revises: survey_0001
Create Date: 2026-11-24
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "survey_0002"
down_revision = "survey_0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_DOC = sa.JSON().with_variant(JSONB(), "postgresql")

SEED_TOUCHPOINTS = [
    ("awareness", "Awareness"), ("consideration", "Consideration"), ("purchase", "Purchase"),
    ("delivery", "Delivery"), ("onboarding", "Onboarding"), ("usage", "Usage"), ("support", "Support"),
    ("return_refund", "Return / refund"), ("renewal", "Renewal"),
]


def upgrade() -> None:
    touchpoints = op.create_table(
        "touchpoints",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "surveys",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("touchpoint", sa.String(50), sa.ForeignKey("touchpoints.key"), nullable=False),
        sa.Column("recontact_days", sa.Integer(), nullable=False),
        sa.Column("live_version", sa.Integer()),
        sa.Column("draft", sa.JSON()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_surveys_touchpoint", "surveys", ["touchpoint"])
    op.create_table(
        "survey_versions",
        sa.Column("survey_id", _ID, sa.ForeignKey("surveys.id"), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("touchpoint", sa.String(50), sa.ForeignKey("touchpoints.key"), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("published_at", _TS, nullable=False),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(32)),
        sa.Column("locale", sa.String(20)),
        sa.Column("time_zone", sa.String(64)),
        sa.Column("attributes", _DOC, nullable=False),
        sa.Column("unsubscribed_at", _TS),
        sa.Column("erased_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "journey_events",
        sa.Column("seq", _ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("attributes", _DOC, nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("matched_at", _TS),
    )
    op.create_index("ix_journey_events_customer_id", "journey_events", ["customer_id"])
    op.create_index("ix_journey_events_unmatched", "journey_events", ["seq"],
                    postgresql_where=sa.text("matched_at IS NULL"), sqlite_where=sa.text("matched_at IS NULL"))
    op.create_table(
        "triggers",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("survey_id", _ID, sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.String(5)),
        sa.Column("window_end", sa.String(5)),
        sa.Column("sampling_rate", sa.Float(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("webhook_url", sa.String(2000)),
        sa.Column("expires_after_minutes", sa.Integer(), nullable=False),
        sa.Column("reminder_after_minutes", sa.Integer()),
        sa.Column("cancel_on", sa.JSON(), nullable=False),
        sa.Column("cancel_match_attribute", sa.String(100)),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_triggers_event_type", "triggers", ["event_type"])
    op.create_index("ix_triggers_survey_id", "triggers", ["survey_id"])
    op.create_table(
        "invitations",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("survey_id", _ID, sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("trigger_id", _ID, sa.ForeignKey("triggers.id")),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(200)),
        sa.Column("correlation_value", sa.String(200)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300)),
        sa.Column("language", sa.String(20)),
        sa.Column("due_at", _TS),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("sent_at", _TS),
        sa.Column("reminder_due_at", _TS),
        sa.Column("reminded_at", _TS),
        sa.Column("responded_at", _TS),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("token_nonce", sa.String(64)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_invitations_survey_id", "invitations", ["survey_id"])
    op.create_index("ix_invitations_due", "invitations", ["status", "due_at"])
    op.create_index("ix_invitations_customer_sent", "invitations", ["customer_id", "sent_at"])
    op.create_index("ix_invitations_reminder", "invitations", ["status", "reminder_due_at"])
    op.create_index("ix_invitations_cancel", "invitations", ["trigger_id", "customer_id", "status"])
    op.create_index("ix_invitations_created", "invitations", ["created_at"])
    op.create_table(
        "invitation_decisions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("invitation_id", _ID, sa.ForeignKey("invitations.id"), nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(300)),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_invitation_decisions_invitation_id", "invitation_decisions", ["invitation_id"])
    now = datetime.now(UTC)
    op.bulk_insert(touchpoints, [{"key": key, "name": name, "description": None, "created_at": now}
                                 for key, name in SEED_TOUCHPOINTS])


def downgrade() -> None:
    op.drop_table("invitation_decisions")
    op.drop_table("invitations")
    op.drop_table("triggers")
    op.drop_table("journey_events")
    op.drop_table("customers")
    op.drop_table("survey_versions")
    op.drop_table("surveys")
    op.drop_table("touchpoints")
