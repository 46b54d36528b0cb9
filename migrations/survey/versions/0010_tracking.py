"""Segment-compatible tracking API (placeholder: filled by the tracking work).

Revision ID: survey_0010_tracking
Revises: survey_0009_contact_settings
Create Date: 2026-12-04
"""

from alembic import op  # noqa: F401

revision = "survey_0010_tracking"
down_revision = "survey_0009_contact_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
