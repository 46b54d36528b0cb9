"""Responses of the survey service.

Revision ID: survey_0003
Revises: survey_0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "survey_0003"
down_revision = "survey_0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "responses",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("invitation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("invitations.id"), nullable=False, unique=True),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(200)),
        sa.Column("touchpoint", sa.String(50)),
        sa.Column("channel", sa.String(16)),
        sa.Column("event_type", sa.String(100)),
        sa.Column("event_at", TS),
        sa.Column("lang", sa.String(20)),
        sa.Column("attributes", JSON_DOC, nullable=False),
        sa.Column("answers", JSON_DOC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("first_answer_at", TS),
        sa.Column("completed_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_responses_updated", "responses", ["updated_at"])
    op.create_index("ix_responses_survey_created", "responses", ["survey_id", "created_at"])


def downgrade() -> None:
    op.drop_table("responses")
