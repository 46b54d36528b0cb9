"""Brand settings (placeholder: filled by the brand work).

Revision ID: survey_0012_brand
Revises: survey_0011_response_webhooks
Create Date: 2026-12-04
"""

from alembic import op  # noqa: F401

revision = "survey_0012_brand"
down_revision = "survey_0011_response_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
