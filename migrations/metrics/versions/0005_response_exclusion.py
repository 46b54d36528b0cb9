"""Responses excluded as test (survey's inbox): held, without score or comment rows.

Revision ID: metrics_0005_response_exclusion
Revises: metrics_0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "metrics_0005_response_exclusion"
down_revision = "metrics_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("excluded")
