"""Every input the security probe saw answered 500 now gets a clear 4xx, on SQLite and PostgreSQL.

The fixes sit where input enters (the shared JSON loading policy, the bounded field types, the path
converter), so each case here stands for a class; tests/reliability/test_poison_inputs.py sweeps the
class over every field.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import event_body

ADMIN = {**auth(ADMIN_KEY), "Content-Type": "application/json"}


def _refused(reply, status: int = 422) -> None:
    assert reply.status_code == status, (reply.status_code, reply.get_data(as_text=True)[:300])
    assert reply.json["code"] == status and reply.json["message"]


@pytest.fixture(params=["survey", "metrics", "notifier"])
def any_service(request, make_service):
    return make_service(request.param)


def test_json_nested_a_thousand_deep_is_refused_by_every_service(any_service):
    path = {"survey": "/v1/surveys", "metrics": "/v1/transactions/batch", "notifier": "/v1/subscriptions"}
    reply = any_service.client().post(path[any_service.service], data="[" * 1000 + "]" * 1000, headers=ADMIN)
    _refused(reply)
    assert "nested deeper" in reply.json["message"]


@pytest.mark.parametrize("raw, reason", [("9" * 4301, "too large"), ('"\\ud800"', "surrogate"),
                                         ("NaN", "not a JSON number"), ("1e400", "too large")])
def test_numbers_and_strings_json_cannot_carry_are_refused(any_service, raw, reason):
    path = {"survey": "/v1/surveys", "metrics": "/v1/transactions/batch", "notifier": "/v1/subscriptions"}
    reply = any_service.client().post(path[any_service.service], data='{"name": %s}' % raw, headers=ADMIN)
    _refused(reply)
    assert reason in reply.json["message"]


def test_ids_and_offsets_above_two_to_the_63(make_service):
    survey = make_service("survey")
    _refused(survey.client().get("/v1/surveys/99999999999999999999", headers=ADMIN), 404)
    _refused(survey.client().get("/v1/invitations/99999999999999999999", headers=ADMIN), 404)
    _refused(survey.client().get(f"/v1/surveys?offset={2**63}", headers=ADMIN))
    _refused(survey.client().get(f"/v1/invitations?survey_id={2**64}", headers=ADMIN))
    notifier = make_service("notifier")
    _refused(notifier.client().get(f"/v1/subscriptions?offset={2**63}", headers=ADMIN))


def test_a_responses_cursor_holding_a_naive_date(make_service):
    cursor = base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00", "r-1"]).encode()).decode().rstrip("=")
    reply = make_service("survey").client().get(f"/v1/responses?cursor={cursor}", headers=ADMIN)
    _refused(reply)
    assert reply.json["errors"] == {"cursor": ["not a cursor from a previous page"]}


def test_events_at_the_end_of_the_calendar_are_refused_single_batch_and_preview(make_service):
    survey = make_service("survey")
    ingest = {**auth(survey.key_for("ingest")), "Content-Type": "application/json"}
    body = {**event_body("far"), "occurred_at": "9999-12-31T23:59:59+00:00"}
    single = survey.client().post("/v1/events", json=body, headers=ingest)
    _refused(single)
    assert "1900-01-01" in json.dumps(single.json["errors"])
    batch = survey.client().post("/v1/events/batch", json={"events": [body, event_body("fine")]}, headers=ingest)
    assert batch.status_code == 200
    assert [item["status"] for item in batch.json["results"]] == ["rejected", "accepted"]
    preview = survey.client().post("/v1/triggers/1/preview", json=body, headers=ADMIN)
    assert preview.status_code in (404, 422) and preview.json["code"] == preview.status_code


@pytest.mark.parametrize("path", [
    "/v1/churn/retention?cohort_start=2025-01-01&cohort_end=2025-12-31&as_of=9999-12-31",
    "/v1/scores?from=9999-12-31T23:59:59-14:00",
    "/v1/voc/keywords?from=0001-01-01&to=9999-12-31",
    "/v1/churn/rates?start=0001-01-01&end=9999-12-31",
])
def test_report_dates_at_the_ends_of_the_calendar(make_service, path):
    _refused(make_service("metrics").client().get(path, headers=ADMIN))


def test_transaction_dates_that_would_overflow(make_service):
    metrics = make_service("metrics")
    row = {"id": "t-1", "customer_id": "c-1", "occurred_at": "9999-12-31T23:59:59-14:00", "amount": 10,
           "currency": "KRW"}
    _refused(metrics.client().post("/v1/transactions/batch", json={"transactions": [row]}, headers=ADMIN))
    csv_body = "id,customer_id,occurred_at,amount,currency\nt-1,c-1,9999-12-31T23:59:59-14:00,10,KRW\n"
    imported = metrics.client().post("/v1/transactions/import", data=csv_body,
                                     headers={**auth(ADMIN_KEY), "Content-Type": "text/csv"})
    _refused(imported)


def test_muted_until_with_an_extreme_offset_and_a_huge_window(make_service):
    from tests.notifier.support import subscription_body

    notifier = make_service("notifier")
    muted = notifier.client().post("/v1/subscriptions", headers=ADMIN,
                                   json=subscription_body(muted_until="9999-12-31T23:59:59-14:00"))
    _refused(muted)
    window = notifier.client().post("/v1/subscriptions", headers=ADMIN,
                                    json=subscription_body(rule={"kind": "drop", "window": "9999w"}))
    _refused(window)
    assert "366 days" in json.dumps(window.json["errors"])
