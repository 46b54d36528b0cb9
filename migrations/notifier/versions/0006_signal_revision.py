"""Signals carry a revision: a later revision of a response's signal corrects the stored one.

Revision ID: notifier_0006_signal_revision
Revises: notifier_0005_owner
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "notifier_0006_signal_revision"
down_revision = "notifier_0005_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.drop_column("revision")
