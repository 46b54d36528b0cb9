"""One time dates a response everywhere: its completion, or its last answer while partial.

Scores, keywords and low-score signals must put one response in the same window; a response opened
on one day and answered a week later belongs to the week it was answered in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.clock import ManualClock
from shared.contracts.responses import answered_at
from tests.metrics.scores_support import T0, response
from tests.support import ADMIN_KEY, auth

OPENED = T0                            # Monday of week 1: the customer opened the page
ANSWERED = T0 + timedelta(days=8)      # Tuesday of week 2: and answered it


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(T0 + timedelta(days=30)))
    service.http = service.client()
    service.service_key = service.key_for("service")
    return service


def week_n(metrics, start) -> int:
    reply = metrics.http.get("/v1/scores", headers=auth(ADMIN_KEY), query_string={
        "metric": "nps", "from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat(), "min_n": 0})
    assert reply.status_code == 200, reply.json
    return sum(cell["n"] for cell in reply.json["cells"])


def keywords_n(metrics, start) -> int:
    reply = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY), query_string={
        "from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat(), "min_count": 1,
        "split": "none"})
    assert reply.status_code == 200, reply.json
    return sum(len(group.get("top", [])) for group in reply.json["groups"])


@pytest.mark.parametrize("completed", [True, False], ids=["completed", "partial"])
def test_scores_and_signals_date_a_response_by_when_it_was_answered(metrics, completed):
    record = response(nps=2, text="배송이 너무 늦었어요", completed=completed, lang="ko")
    record.update(created_at=OPENED.isoformat(), updated_at=ANSWERED.isoformat(),
                  completed_at=ANSWERED.isoformat() if completed else None)
    stored = metrics.http.post("/v1/responses/batch", json={"responses": [record]},
                               headers=auth(metrics.service_key))
    assert stored.status_code == 200, stored.json
    assert week_n(metrics, ANSWERED - timedelta(days=1)) == 1   # the week it was answered in
    assert week_n(metrics, OPENED) == 0                         # not the week it was opened in
    assert keywords_n(metrics, ANSWERED - timedelta(days=1)) > 0 and keywords_n(metrics, OPENED) == 0
    # survey's signal carries the same time (services/survey/responding/downstream.py)
    assert answered_at(record) == ANSWERED.isoformat()
