"""Close-the-loop cases (one per low-score response), their history, and playbooks.

Revision ID: notifier_0008_cases
Revises: notifier_0007_time_zone
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "notifier_0008_cases"
down_revision = "notifier_0007_time_zone"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "playbooks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("touchpoint", sa.String(64), nullable=False),
        sa.Column("segment", sa.String(270)),
        sa.Column("match_key", sa.String(340), nullable=False, unique=True),
        sa.Column("instruction", sa.JSON(), nullable=False),
        sa.Column("target_hours", sa.Integer(), nullable=False),
        sa.Column("default_assignee", sa.JSON()),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_playbooks_touchpoint", "playbooks", ["touchpoint"])
    op.create_table(
        "cases",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("survey_id", sa.String(64), nullable=False),
        sa.Column("survey_title", sa.String(500)),
        sa.Column("touchpoint", sa.String(64)),
        sa.Column("channel", sa.String(32)),
        sa.Column("customer_id", sa.String(128)),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("answered_at", TS, nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS),
        sa.Column("first_action_at", TS),
        sa.Column("resolved_at", TS),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("reminded_at", TS),
        sa.Column("assignee_id", sa.String(200)),
        sa.Column("assignee", sa.JSON()),
        sa.Column("playbook", sa.JSON()),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_cases_customer_id", "cases", ["customer_id"])
    op.create_index("ix_cases_opened", "cases", ["opened_at", "id"])
    op.create_index("ix_cases_status_opened", "cases", ["status", "opened_at", "id"])
    op.create_index("ix_cases_assignee_opened", "cases", ["assignee_id", "opened_at", "id"])
    op.create_index("ix_cases_status_due", "cases", ["status", "due_at"])
    op.create_table(
        "case_events",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", BIG_ID, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("assignee", sa.JSON()),
        sa.Column("outcome", sa.String(16)),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_case", table_name="case_events")
    op.drop_table("case_events")
    for name in ("ix_cases_status_due", "ix_cases_assignee_opened", "ix_cases_status_opened", "ix_cases_opened",
                 "ix_cases_customer_id"):
        op.drop_index(name, table_name="cases")
    op.drop_table("cases")
    op.drop_index("ix_playbooks_touchpoint", table_name="playbooks")
    op.drop_table("playbooks")
