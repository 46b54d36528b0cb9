"""Indexes behind the dashboards on big data (the home page and a survey summary at 10 million responses).

``ix_scores_time_cover`` holds every column the home page's scores read (all surveys of a range, by
survey, metric, answer value and period), so PostgreSQL answers them with an index-only scan of the range
instead of a scan of the whole table (the older ``ix_scores_metric_time`` needs a metric, and the home
page asks for all three). ``ix_scores_survey_time`` and ``ix_comments_survey_time`` serve one survey's
range (the survey summary's scores, comparison, breakdown and keywords).

Revision ID: metrics_0006_dashboard_indexes
Revises: metrics_0005_response_exclusion
Create Date: 2026-12-05
"""

from alembic import op

revision = "metrics_0006_dashboard_indexes"
down_revision = "metrics_0005_response_exclusion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_scores_time_cover", "response_scores", ["answered_at", "survey_id", "metric", "value"])
    op.create_index("ix_scores_survey_time", "response_scores", ["survey_id", "answered_at"])
    op.create_index("ix_comments_survey_time", "response_comments", ["survey_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_comments_survey_time", table_name="response_comments")
    op.drop_index("ix_scores_survey_time", table_name="response_scores")
    op.drop_index("ix_scores_time_cover", table_name="response_scores")
