"""Responses received from survey, their score answers and comments.

Revision ID: metrics_0003_responses
Revises: metrics_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "metrics_0003_responses"
down_revision = "metrics_0001"
branch_labels = ("responses",)
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _slices() -> list[sa.Column]:
    return [sa.Column("touchpoint", sa.String(64)), sa.Column("survey_id", sa.String(64), nullable=False),
            sa.Column("channel", sa.String(32)), sa.Column("attributes", sa.JSON(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "responses",
        sa.Column("response_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(64), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("touchpoint", sa.String(64)),
        sa.Column("channel", sa.String(32)),
        sa.Column("customer_id", sa.String(128)),
        sa.Column("invitation_id", sa.String(64)),
        sa.Column("event_type", sa.String(100)),
        sa.Column("event_at", TS),
        sa.Column("lang", sa.String(16)),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("completed_at", TS),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_index("ix_responses_customer_id", "responses", ["customer_id"])
    op.create_index("ix_responses_created_at", "responses", ["created_at"])
    op.create_table(
        "response_scores",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(64), nullable=False),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("answered_at", TS, nullable=False),
        sa.Column("question_key", sa.String(100), nullable=False),
        sa.Column("dimension", sa.String(16)),
        sa.Column("driver", sa.String(16)),
        *_slices(),
    )
    op.create_index("ix_response_scores_response_id", "response_scores", ["response_id"])
    op.create_index("ix_scores_metric_time", "response_scores", ["metric", "answered_at"])
    op.create_table(
        "response_comments",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(64), nullable=False),
        sa.Column("question_key", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("nps_group", sa.String(16)),
        sa.Column("csat_group", sa.String(16)),
        sa.Column("answered_at", TS, nullable=False),
        *_slices(),
    )
    op.create_index("ix_response_comments_response_id", "response_comments", ["response_id"])
    op.create_index("ix_comments_time", "response_comments", ["answered_at"])


def downgrade() -> None:
    op.drop_table("response_comments")
    op.drop_table("response_scores")
    op.drop_table("responses")
