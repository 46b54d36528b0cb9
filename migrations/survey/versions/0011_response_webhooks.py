"""Response webhook endpoints (placeholder: filled by the response-webhooks work).

Revision ID: survey_0011_response_webhooks
Revises: survey_0010_tracking
Create Date: 2026-12-04
"""

from alembic import op  # noqa: F401

revision = "survey_0011_response_webhooks"
down_revision = "survey_0010_tracking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
