"""Journey events by type: the index behind ``GET /v1/event-types`` (count and last arrival per type)
and ``GET /v1/events?type=`` (the most recent events of a type, for a trigger's dry run).

Revision ID: survey_0008_event_type_index
Revises: survey_0007_imported_responses
Create Date: 2026-12-05
"""

from alembic import op

revision = "survey_0008_event_type_index"
down_revision = "survey_0007_imported_responses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_journey_events_type_received", "journey_events", ["type", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_journey_events_type_received", table_name="journey_events")
