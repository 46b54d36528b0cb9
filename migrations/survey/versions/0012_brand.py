"""The organisation's brand (one row) and the questions each response was shown (skip logic).

Revision ID: survey_0012_brand
Revises: survey_0011_response_webhooks
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "survey_0012_brand"
down_revision = "survey_0011_response_webhooks"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "brand",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("primary_color", sa.String(7), nullable=False),
        sa.Column("sender_name", sa.String(100), nullable=False),
        sa.Column("sender_address", sa.String(254), nullable=False),
        sa.Column("reply_to", sa.String(254), nullable=True),
        sa.Column("footer", JSON_DOC, nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(20), nullable=True),
        sa.Column("logo_hash", sa.String(64), nullable=True),
        sa.Column("logo_width", sa.Integer(), nullable=True),
        sa.Column("logo_height", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    # The keys of the questions a respondent was shown (skip logic); NULL for responses from before.
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("shown_questions", JSON_DOC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("shown_questions")
    op.drop_table("brand")
