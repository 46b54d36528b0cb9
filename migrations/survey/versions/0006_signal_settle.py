"""Low-score signals wait for a submit or a settle time; a change after a signal sends a correction.

``signal_due_at``: when the settle job sends the signal of a partial response whose low score came
from a link click (a GET); ``signalled``: the metric, question, score and revision last sent to
notifier (null until a signal went out).

Revision ID: survey_0006_signal_settle
Revises: survey_0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "survey_0006_signal_settle"
down_revision = "survey_0004"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("signal_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("signalled", JSON_DOC, nullable=True))
        batch.create_index("ix_responses_signal_due", ["signal_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_index("ix_responses_signal_due")
        batch.drop_column("signalled")
        batch.drop_column("signal_due_at")
