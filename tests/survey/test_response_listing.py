"""``GET /v1/responses`` filters: by customer, and a created range named ``from``/``to`` like every
other range (``created_since``/``created_until`` kept as deprecated names)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from tests.support import ADMIN_KEY, auth
from tests.survey.response_support import T0, publish_survey, send_invitation

SECRET = "test-token-secret"


@pytest.fixture
def answered(make_service):
    """Three customers' answers, a minute apart (c-0, c-1, c-2), and a second answer by c-1."""
    clock = ManualClock(T0 + timedelta(hours=1))
    service = make_service("survey", clock=clock, env={"SURVEY_TOKEN_SECRET": SECRET})
    session = Session(bind=service.connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    survey = publish_survey(session)
    tokens = [send_invitation(session, survey, SECRET, customer_id=f"c-{i}")[1] for i in (0, 1, 2, 1)]
    session.commit()
    http = service.client()
    for token in tokens:
        clock.advance(minutes=1)
        reply = http.post(f"/r/{token}", data={"q_nps": "9", "q_csat": "4"})
        assert reply.status_code in (200, 303), reply.status_code
    service.http = http
    return service


def listed(service, **params) -> list[str]:
    reply = service.http.get("/v1/responses", query_string=params, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return [record["customer_id"] for record in reply.json["responses"]]


def test_responses_filter_by_customer(answered):
    assert listed(answered) == ["c-0", "c-1", "c-2", "c-1"]
    assert listed(answered, customer="c-1") == ["c-1", "c-1"]
    assert listed(answered, customer="nobody") == []


def test_responses_created_range_is_from_and_to_with_the_old_names_deprecated(answered):
    start = (T0 + timedelta(hours=1, minutes=2)).isoformat()
    end = (T0 + timedelta(hours=1, minutes=4)).isoformat()
    assert listed(answered, **{"from": start, "to": end}) == ["c-1", "c-2"]
    assert listed(answered, created_since=start, created_until=end) == ["c-1", "c-2"]
    both = answered.http.get("/v1/responses", query_string={"from": start, "created_since": end},
                             headers=auth(ADMIN_KEY))
    assert both.status_code == 422 and "from" in both.json["errors"]["query"]
    parameters = answered.http.get("/openapi.json").json["paths"]["/v1/responses"]["get"]["parameters"]
    assert {p["name"] for p in parameters if p.get("deprecated")} == {"created_since", "created_until"}
    assert "customer" in {p["name"] for p in parameters}
