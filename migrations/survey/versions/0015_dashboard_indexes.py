"""Indexes behind a survey's funnel and drop-off on big data: one survey's invitations sent in a range,
its responses opened in a range, and its imported responses completed in a range (before, each read
went through every invitation or response the survey ever had).

Revision ID: survey_0015_dashboard_indexes
Revises: survey_0014_response_customer
Create Date: 2026-12-05
"""

from alembic import op

revision = "survey_0015_dashboard_indexes"
down_revision = "survey_0014_response_customer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invitations_survey_sent", "invitations", ["survey_id", "sent_at"])
    op.create_index("ix_responses_survey_opened", "responses", ["survey_id", "opened_at"])
    op.create_index("ix_responses_survey_completed", "responses", ["survey_id", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_responses_survey_completed", table_name="responses")
    op.drop_index("ix_responses_survey_opened", table_name="responses")
    op.drop_index("ix_invitations_survey_sent", table_name="invitations")
