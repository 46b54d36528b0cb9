"""Service-wide settings editable by admins (the contact budget).

Revision ID: survey_0009_contact_settings
Revises: survey_0008_event_type_index
Create Date: 2026-12-04
"""

from alembic import op  # noqa: F401

revision = "survey_0009_contact_settings"
down_revision = "survey_0008_event_type_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
