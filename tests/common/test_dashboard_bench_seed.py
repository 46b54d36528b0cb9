"""The dashboard benchmark's bulk seeding (bench/dashboard_seed.py) at a tiny size on PostgreSQL: the data
holds what the benchmark says it holds, read back through the services' own reads."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.common.migrate import upgrade
from services.metrics.models.responses import ResponseComment, ResponseRecord, ScoreAnswer
from services.survey.dropoff import survey_dropoff
from services.survey.funnel import survey_funnel
from services.survey.surveys import create_survey, publish_survey
from tests.conftest import new_postgres_database

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from dashboard_seed import analyze, indexes_set_aside, seed_funnels, seed_metrics  # noqa: E402
from demo import catalog  # noqa: E402

END = datetime(2026, 12, 1, tzinfo=UTC)
ROWS = 400


def test_seeding_fills_metrics_and_one_survey_funnel_in_proportion():
    metrics_url, survey_url = new_postgres_database("cx_seed_metrics"), new_postgres_database("cx_seed_survey")
    upgrade("metrics", metrics_url)
    upgrade("survey", survey_url)
    metrics, survey = make_engine(metrics_url), make_engine(survey_url)
    try:
        with Session(survey) as session:
            designs = []
            for touchpoint, body in list(catalog.SURVEYS.items())[:4]:
                made = create_survey(session, fields=body, now=END)
                publish_survey(session, survey_id=made.id, now=END)
                designs.append({**body, "id": made.id, "touchpoint": touchpoint})
            session.commit()
        with indexes_set_aside(metrics, ("responses", "response_scores", "response_comments")):
            seed_metrics(metrics, designs, ROWS, END, log=lambda _line: None)
        with indexes_set_aside(survey, ("invitations", "responses")):
            seed_funnels(survey, designs[2:], ROWS // 4, END)
        analyze(metrics, ("response_scores",))
        with Session(metrics) as session:
            assert session.scalar(select(func.count()).select_from(ResponseRecord)) == ROWS
            assert session.scalar(select(func.count()).select_from(ScoreAnswer)) == ROWS
            assert session.scalar(select(func.count()).select_from(ResponseComment)) == ROWS // 5
            per_survey = session.execute(select(ResponseComment.survey_id, func.count()).group_by(ResponseComment.survey_id))
            assert sorted(count for _survey, count in per_survey) == [ROWS // 20] * 4  # one in five of each survey
            first, last = session.execute(select(func.min(ScoreAnswer.answered_at),
                                                 func.max(ScoreAnswer.answered_at))).one()
            assert END - timedelta(days=731) < first < END - timedelta(days=729) and last <= END
            assert set(session.scalars(select(ScoreAnswer.metric).distinct())) == {"nps", "csat", "ces"}
            assert set(session.scalars(select(ScoreAnswer.survey_id).distinct())) == {str(d["id"]) for d in designs}
            indexes = set(session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'response_scores'")))
            assert {"ix_scores_time_cover", "ix_scores_survey_time", "ix_scores_metric_time"} <= indexes  # made again
        with Session(survey) as session:
            span = {"start": END - timedelta(days=800), "end": END + timedelta(days=1)}
            for design in designs[2:]:  # two funnels, their invitations interleaved
                funnel = survey_funnel(session, design["id"], **span)
                assert (funnel["sent"], funnel["opened"], funnel["completed"]) == (200, 120, 100)
                assert funnel["median_seconds_to_complete"] is not None
                dropoff = survey_dropoff(session, design["id"], **span)
                assert (dropoff["opened"], dropoff["completed"]) == (120, 100)
                assert sum(q["dropped"] for q in dropoff["questions"]) == 20
            assert survey_funnel(session, designs[0]["id"], **span)["sent"] == 0
    finally:
        metrics.dispose()
        survey.dispose()
