"""Voice of the customer through the API: keywords extracted on arrival, rising complaints found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.common.clock import ManualClock
from services.metrics.models.responses import ResponseComment
from tests.metrics.scores_support import T0, response, spread
from tests.support import ADMIN_KEY, auth

NOW = T0 + timedelta(days=1)
DAY = timedelta(days=1)


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    return service


def _post(metrics, batch):
    reply = metrics.http.post("/v1/responses/batch", json={"responses": batch}, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json


def test_keywords_are_extracted_when_the_response_arrives(metrics):
    _post(metrics, [response(nps=3, text="배송이 너무 느리고 포장이 엉망이었어요. 상담원은 친절했어요",
                             lang="ko", response_id="r-ko")])
    stored = metrics.connection.execute(select(ResponseComment.keywords, ResponseComment.nps_group)).one()
    assert stored.keywords == ["배송", "포장", "엉망", "상담원", "친절"]
    assert stored.nps_group == "detractor"


def test_rising_detractor_complaint_is_reported_with_examples(metrics):
    previous = ([response(nps=3, text="상담원이 불친절했어요") for _ in range(30)]
                + [response(nps=3, text="배송이 늦었어요") for _ in range(2)]
                + [response(nps=10, text="품질이 좋아요") for _ in range(30)])
    current = ([response(nps=3, text="상담원이 불친절했어요") for _ in range(30)]
               + [response(nps=3, text="배송이 너무 늦었어요 지연") for _ in range(25)]
               + [response(nps=10, text="품질이 좋아요") for _ in range(30)])
    _post(metrics, spread(previous, NOW - 14 * DAY, timedelta(minutes=10)))
    _post(metrics, spread(current, NOW - 7 * DAY, timedelta(minutes=10)))
    reply = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY), query_string={
        "from": (NOW - 7 * DAY).isoformat(), "to": NOW.isoformat(), "split": "nps"})
    assert reply.status_code == 200, reply.json
    groups = {g["group"]["group"]: g for g in reply.json["groups"]}
    detractors = groups["detractor"]
    assert detractors["n_comments"] == 55 and detractors["n_previous_comments"] == 32
    rising = [k["keyword"] for k in detractors["rising"]]
    assert "배송" in rising and "불친절" not in rising
    top = {k["keyword"]: k for k in detractors["top"]}
    assert top["배송"]["count"] == 25 and top["배송"]["previous_count"] == 2
    assert top["배송"]["examples"] and "배송" in top["배송"]["examples"][0]["text"]
    assert groups["promoter"]["rising"] == []


def test_keywords_by_touchpoint_and_bad_query(metrics):
    _post(metrics, [response(csat=1, text="late delivery again", touchpoint="delivery", lang="en"),
                    response(csat=5, text="friendly support agent", touchpoint="support", lang="en")])
    reply = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY), query_string={
        "split": "csat", "by_touchpoint": "true", "min_count": 1,
        "from": (T0 - DAY).isoformat(), "to": NOW.isoformat()}).json
    keys = {(g["group"]["touchpoint"], g["group"]["group"]) for g in reply["groups"]}
    assert keys == {("delivery", "unsatisfied"), ("support", "satisfied")}
    bad = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY), query_string={"split": "mood"})
    assert bad.status_code == 422 and "split" in str(bad.json["errors"])


def test_question_dimension_and_driver_filters_select_the_comments_of_matching_responses(metrics):
    _post(metrics, [response(csat=1, text="late delivery again", lang="en", response_id="r-feel"),
                    response(ces=2, text="confusing refund form", lang="en", response_id="r-process"),
                    response(nps=3, text="rude courier", lang="en", response_id="r-nps")])

    def keywords(**filters):
        reply = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY), query_string={
            "split": "none", "min_count": 1, "from": (T0 - DAY).isoformat(), "to": NOW.isoformat(),
            **filters})
        assert reply.status_code == 200, reply.json
        return {k["keyword"] for g in reply.json["groups"] for k in g["top"]}

    assert {"late", "delivery", "confusing", "refund", "rude", "courier"} <= keywords()
    assert keywords(dimension="no-such") == set()
    assert keywords(question="no-such") == set() and keywords(driver="no-such") == set()
    assert keywords(dimension="feel") == {"late", "delivery"}
    assert keywords(driver="process") == {"confusing", "refund", "form"}
    assert keywords(question="q_nps") == {"rude", "courier"}
    assert keywords(question="q_csat", dimension="feel", touchpoint="delivery") == {"late", "delivery"}
    assert keywords(question="q_csat", driver="process") == set()
