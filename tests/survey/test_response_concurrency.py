"""Fifty concurrent submits of one link store exactly one response (real engine, both databases)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.common.db import Database, make_engine
from services.common.migrate import upgrade
from services.survey.app import create_app
from services.survey.config import TestConfig
from services.survey.models import PLATFORM
from services.survey.models.responses import Response
from tests.conftest import new_database_url
from tests.survey.response_support import T0, publish_survey, send_invitation

SECRET = "concurrency-secret"


def test_fifty_concurrent_submits_store_one_response(backend, tmp_path):
    url = new_database_url(backend, "cx_race", tmp_path)
    upgrade("survey", url)
    engine = make_engine(url, **({"pool_size": 20, "max_overflow": 40} if backend == "postgres" else {}))
    with Session(engine) as session:
        survey = publish_survey(session)
        _, token = send_invitation(session, survey, SECRET)
        session.commit()
    app = create_app(TestConfig({"SURVEY_DATABASE_URL": url, "SURVEY_TOKEN_SECRET": SECRET,
                                 "CX_PUBLIC_RATE_LIMIT_PER_MINUTE": "0"}),  # one address, fifty clicks
                     database=Database(engine=engine), clock=ManualClock(T0 + timedelta(hours=1)))
    start = threading.Barrier(50)
    statuses: list[str] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        client = app.test_client()
        start.wait()
        reply = client.post(f"/r/{token}", data={"q_nps": str(i % 11), "q_csat": "4"})
        text = reply.get_data(as_text=True)
        outcome = "answered" if "이미 응답" in text else "thanks" if "감사합니다!" in text else f"other {reply.status_code}"
        with lock:
            statuses.append(outcome)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == ["answered", "thanks"], statuses
    assert statuses.count("thanks") == 1
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Response)).scalar() == 1
        completed = connection.execute(select(PLATFORM.outbox.c.payload)
                                       .where(PLATFORM.outbox.c.destination == "metrics")).scalars().all()
    assert len([p for p in completed if p["completed"]]) == 1
    engine.dispose()
