"""Service-wide settings editable by admins: the contact budget (one row; configuration applies while
there is none).

Revision ID: survey_0009_contact_settings
Revises: survey_0008_event_type_index
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "survey_0009_contact_settings"
down_revision = "survey_0008_event_type_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("budget_max_contacts", sa.Integer(), nullable=False),
        sa.Column("budget_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("contact_settings")
