"""Event types seen without a scan of every event: the count and first and last arrival of matched events
per type, kept by the matching pass (``GET /v1/event-types`` adds the events not matched yet).

Revision ID: survey_0016_event_type_counts
Revises: survey_0015_dashboard_indexes
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "survey_0016_event_type_counts"
down_revision = "survey_0015_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_type_counts",
        sa.Column("type", sa.String(100), primary_key=True),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("first_received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("INSERT INTO event_type_counts (type, count, first_received_at, last_received_at) "
               "SELECT type, count(*), min(received_at), max(received_at) FROM journey_events "
               "WHERE matched_at IS NOT NULL GROUP BY type")


def downgrade() -> None:
    op.drop_table("event_type_counts")
