"""The responses inbox through the survey API: filters (status, tag, excluded, score range, comment
present or containing text, segment), newest-first pages, triage of one response or a selection,
notes with their author, who may triage, and "excluded as test" leaving metrics' scores and keyword
counts (n drops by one) and coming back (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.survey.models import PLATFORM
from tests.support import ADMIN_KEY, auth
from tests.survey.response_support import T0, publish_survey, send_invitation
from tests.survey.test_erasure import answered_customer, stack  # noqa: F401 - survey, metrics, notifier

SECRET = "test-token-secret"
ANSWERS = [("c-0", "9", "빠른 배송 감사합니다", "gold"), ("c-1", "3", "Box was DAMAGED 100%", "silver"),
           ("c-2", "7", "", "gold"), ("c-3", "0", "=HYPERLINK(\"x\") late", "gold")]


@pytest.fixture
def inbox(make_service):
    """Four answered responses a minute apart, with a score, a comment (or none) and a plan attribute."""
    clock = ManualClock(T0 + timedelta(hours=1))
    service = make_service("survey", clock=clock, env={"SURVEY_TOKEN_SECRET": SECRET})
    session = Session(bind=service.connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    survey = publish_survey(session)
    tokens = [send_invitation(session, survey, SECRET, customer_id=customer,
                              attributes={"plan": plan, "name": f"Name {customer}"})[1]
              for customer, _, _, plan in ANSWERS]
    session.commit()
    http = service.client()
    for token, (_, score, comment, _) in zip(tokens, ANSWERS, strict=True):
        clock.advance(minutes=1)
        reply = http.post(f"/r/{token}", data={"q_nps": score, "q_csat": "4", "q_comment": comment})
        assert reply.status_code in (200, 303), reply.status_code
    service.http = http
    return service


def listed(service, key=ADMIN_KEY, **params) -> list[str]:
    reply = service.http.get("/v1/responses", query_string=params, headers=auth(key))
    assert reply.status_code == 200, reply.json
    return [record["customer_id"] for record in reply.json["responses"]]


def ids(service) -> dict[str, str]:
    reply = service.http.get("/v1/responses", headers=auth(ADMIN_KEY)).json["responses"]
    return {record["customer_id"]: record["response_id"] for record in reply}


def test_each_response_carries_its_triage_and_summary(inbox):
    record = inbox.http.get("/v1/responses", headers=auth(ADMIN_KEY)).json["responses"][1]
    assert record["summary"] == {"score_metric": "nps", "score": 3, "comment": "Box was DAMAGED 100%"}
    assert record["triage"] == {"status": "new", "tags": [], "excluded": False, "note_count": 0, "notes": []}
    assert record["excluded"] is False


def test_inbox_filters_and_search(inbox):
    assert listed(inbox, order="newest") == ["c-3", "c-2", "c-1", "c-0"]
    assert listed(inbox, score_min=3, score_max=8) == ["c-1", "c-2"]
    assert listed(inbox, has_comment="true") == ["c-0", "c-1", "c-3"]
    assert listed(inbox, has_comment="false") == ["c-2"]
    assert listed(inbox, q="damaged") == ["c-1"]  # case-insensitive
    assert listed(inbox, q="배송") == ["c-0"]
    assert listed(inbox, q="100%") == ["c-1"] and listed(inbox, q="_") == []  # wildcards are literal
    assert listed(inbox, segment="plan:gold") == ["c-0", "c-2", "c-3"]
    assert listed(inbox, segment=["plan:gold", "plan:silver"]) == []
    assert listed(inbox, status="new") == ["c-0", "c-1", "c-2", "c-3"] and listed(inbox, status="read") == []


def test_newest_first_pages_with_a_cursor(inbox):
    first = inbox.http.get("/v1/responses", query_string={"order": "newest", "limit": 3},
                           headers=auth(ADMIN_KEY)).json
    assert [r["customer_id"] for r in first["responses"]] == ["c-3", "c-2", "c-1"]
    assert listed(inbox, order="newest", limit=3, cursor=first["next_cursor"]) == ["c-0"]


def test_bad_filters_are_clear_422s(inbox):
    for params in ({"status": "done"}, {"score_min": 11}, {"segment": "plan"}, {"order": "random"},
                   {"tag": "<script>"}, {"has_comment": "maybe"}):
        reply = inbox.http.get("/v1/responses", query_string=params, headers=auth(ADMIN_KEY))
        assert reply.status_code == 422, (params, reply.status_code)


def test_triage_one_and_a_selection(inbox):
    by_customer = ids(inbox)
    one = inbox.http.patch(f"/v1/responses/{by_customer['c-1']}/triage", headers=auth(ADMIN_KEY),
                           json={"status": "read", "add_tags": ["배송 지연", " damaged  box "]})
    assert one.status_code == 200, one.json
    assert one.json["status"] == "read" and one.json["tags"] == ["damaged box", "배송 지연"]
    bulk = inbox.http.post("/v1/responses/triage", headers=auth(ADMIN_KEY),
                           json={"response_ids": [by_customer["c-0"], by_customer["c-1"], "nope"],
                                 "status": "archived", "add_tags": ["vip"], "remove_tags": ["damaged box"]})
    assert bulk.status_code == 200 and bulk.json == {"changed": 2, "unknown_ids": ["nope"]}
    assert listed(inbox, status="archived") == ["c-0", "c-1"]
    assert listed(inbox, tag="vip") == ["c-0", "c-1"] and listed(inbox, tag="damaged box") == []
    assert listed(inbox, tag="배송 지연") == ["c-1"]
    empty = inbox.http.post("/v1/responses/triage", headers=auth(ADMIN_KEY), json={"response_ids": ["x"]})
    assert empty.status_code == 422
    missing = inbox.http.patch("/v1/responses/nope/triage", headers=auth(ADMIN_KEY), json={"status": "read"})
    assert missing.status_code == 404


def test_notes_keep_their_author_and_are_read_with_the_response(inbox):
    response_id = ids(inbox)["c-1"]
    marketer = inbox.key_for("marketer", subject="mina")
    note = inbox.http.post(f"/v1/responses/{response_id}/notes", headers=auth(marketer),
                           json={"text": "<b>called back</b>"})
    assert note.status_code == 201 and note.json["author"] == "mina", note.json
    detail = inbox.http.get(f"/v1/responses/{response_id}", headers=auth(ADMIN_KEY)).json
    assert [n["text"] for n in detail["triage"]["notes"]] == ["<b>called back</b>"]
    assert detail["triage"]["note_count"] == 1
    assert inbox.http.post("/v1/responses/nope/notes", headers=auth(ADMIN_KEY), json={"text": "x"}).status_code == 404
    assert inbox.http.post(f"/v1/responses/{response_id}/notes", headers=auth(ADMIN_KEY),
                           json={"text": ""}).status_code == 422


def test_marketers_triage_analysts_only_read(inbox):
    response_id = ids(inbox)["c-1"]
    analyst, marketer = inbox.key_for("analyst"), inbox.key_for("marketer")
    assert listed(inbox, key=analyst) == ["c-0", "c-1", "c-2", "c-3"]
    for key, allowed in ((analyst, False), (marketer, True), (inbox.key_for("team_lead"), False)):
        change = inbox.http.patch(f"/v1/responses/{response_id}/triage", headers=auth(key), json={"status": "read"})
        bulk = inbox.http.post("/v1/responses/triage", headers=auth(key),
                               json={"response_ids": [response_id], "excluded": True})
        note = inbox.http.post(f"/v1/responses/{response_id}/notes", headers=auth(key), json={"text": "x"})
        assert [r.status_code for r in (change, bulk, note)] == ([200, 200, 201] if allowed else [403] * 3)
    refused = inbox.http.get("/v1/responses", query_string={"segment": "name:Name c-1"}, headers=auth(analyst))
    assert refused.status_code == 422 and "segment" in refused.json["errors"]
    assert "name" not in inbox.http.get(f"/v1/responses/{response_id}", headers=auth(analyst)).json["attributes"]


def test_excluding_sends_metrics_a_new_version_with_the_same_dates(inbox):
    response_id = ids(inbox)["c-1"]
    before = inbox.http.get(f"/v1/responses/{response_id}", headers=auth(ADMIN_KEY)).json
    inbox.http.post("/v1/responses/triage", headers=auth(ADMIN_KEY), json={"response_ids": [response_id],
                                                                           "excluded": True})
    after = inbox.http.get(f"/v1/responses/{response_id}", headers=auth(ADMIN_KEY)).json
    assert after["version"] == before["version"] + 1 and after["updated_at"] == before["updated_at"]
    assert after["excluded"] is True and after["triage"]["excluded"] is True
    box = PLATFORM.outbox
    queued = inbox.connection.execute(select(box.c.payload).where(box.c.topic == "response",
                                                                  box.c.ordering_key == f"response:{response_id}")
                                      .order_by(box.c.id)).scalars().all()
    assert [(p["version"], p["excluded"]) for p in queued][-1] == (after["version"], True)
    assert listed(inbox, excluded="true") == ["c-1"] and "c-1" not in listed(inbox, excluded="false")
    # the same value again changes nothing and queues nothing
    inbox.http.post("/v1/responses/triage", headers=auth(ADMIN_KEY), json={"response_ids": [response_id],
                                                                           "excluded": True})
    assert inbox.http.get(f"/v1/responses/{response_id}", headers=auth(ADMIN_KEY)).json["version"] == after["version"]


WINDOW = {"from": "2026-01-01T00:00:00+00:00", "to": "2026-12-31T00:00:00+00:00"}


def _n(metrics) -> int:
    reply = metrics.client().get("/v1/scores", query_string={"metric": "nps", **WINDOW}, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return sum(cell["n"] for cell in reply.json["cells"])


def _comments(metrics) -> int:
    reply = metrics.client().get("/v1/voc/keywords", query_string={"split": "none", **WINDOW}, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return sum(group["n_comments"] for group in reply.json["groups"])


def test_excluded_as_test_leaves_metrics_scores_and_comes_back(stack):  # noqa: F811
    survey_app, relay, metrics = stack["survey"], stack["relay"], stack["metrics"]
    answered_customer(survey_app)
    relay.drain(lambda: survey_app.clock.now())
    assert (_n(metrics), _comments(metrics)) == (1, 1)
    response_id = survey_app.call("get", "/v1/responses").json["responses"][0]["response_id"]
    excluded = survey_app.call("post", "/v1/responses/triage", json={"response_ids": [response_id], "excluded": True})
    assert excluded.status_code == 200, excluded.json
    assert relay.drain(lambda: survey_app.clock.now()).dead == 0
    assert (_n(metrics), _comments(metrics)) == (0, 0)
    survey_app.call("patch", f"/v1/responses/{response_id}/triage", json={"excluded": False})
    relay.drain(lambda: survey_app.clock.now())
    assert (_n(metrics), _comments(metrics)) == (1, 1)
