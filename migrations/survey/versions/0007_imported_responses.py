"""Imported responses: answers given before cxloop (another survey tool, the demo's history).

They have no invitation, and their ids come from elsewhere, so ``invitation_id`` may be null (unique
still holds for the page's responses: nulls are distinct) and ids take up to 64 characters, the
response contract's limit.

Revision ID: survey_0007_imported_responses
Revises: survey_0006_signal_settle
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "survey_0007_imported_responses"
down_revision = "survey_0006_signal_settle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.alter_column("invitation_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                           nullable=True)
        batch.alter_column("id", existing_type=sa.String(32), type_=sa.String(64))


def downgrade() -> None:
    op.execute("DELETE FROM responses WHERE invitation_id IS NULL")
    with op.batch_alter_table("responses") as batch:
        batch.alter_column("id", existing_type=sa.String(64), type_=sa.String(32))
        batch.alter_column("invitation_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                           nullable=False)
