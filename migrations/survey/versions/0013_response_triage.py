"""The responses inbox: a response's status, tags, notes, "excluded as test", and its main score and
comment kept on it to filter on (filled here for the responses already held).

Revision ID: survey_0013_response_triage
Revises: survey_0012_brand
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "survey_0013_response_triage"
down_revision = "survey_0012_brand"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("triage_status", sa.String(16), nullable=False, server_default="new"))
        batch.add_column(sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("score_metric", sa.String(8), nullable=True))
        batch.add_column(sa.Column("score", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
    op.create_index("ix_responses_created", "responses", ["created_at"])
    op.create_table(
        "response_tags",
        sa.Column("response_id", sa.String(64), sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(40), primary_key=True),
    )
    op.create_index("ix_response_tags_tag", "response_tags", ["tag"])
    op.create_table(
        "response_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(64), sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_response_notes_response_id", "response_notes", ["response_id"])
    _fill_summaries()


def _fill_summaries() -> None:
    """The main score and comment of every response held, from its answers and its survey version."""
    from types import SimpleNamespace

    from services.survey.responding.downstream import answer_items
    from services.survey.responding.summary import summary_of

    bind = op.get_bind()
    responses, versions = sa.table("responses", sa.column("id"), sa.column("survey_id"), sa.column("survey_version"),
                                   sa.column("answers", sa.JSON())), \
        sa.table("survey_versions", sa.column("survey_id"), sa.column("version"), sa.column("definition", sa.JSON()))
    definitions = {(row.survey_id, row.version): row.definition for row in bind.execute(sa.select(versions))}
    target = sa.table("responses", sa.column("id"), sa.column("score_metric"), sa.column("score"), sa.column("comment"))
    last = ""
    while True:
        rows = bind.execute(sa.select(responses).where(responses.c.id > last).order_by(responses.c.id)
                            .limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            definition = definitions.get((row.survey_id, row.survey_version)) or {"questions": []}
            summary = summary_of(answer_items(SimpleNamespace(answers=row.answers or {}), definition))
            if any(value is not None for value in summary.values()):
                bind.execute(sa.update(target).where(target.c.id == row.id).values(**summary))
        last = rows[-1].id


def downgrade() -> None:
    op.drop_table("response_notes")
    op.drop_table("response_tags")
    op.drop_index("ix_responses_created", table_name="responses")
    with op.batch_alter_table("responses") as batch:
        for name in ("comment", "score", "score_metric", "excluded", "triage_status"):
            batch.drop_column(name)
