"""``/v1/cases``: a low signal opens one case per response; acknowledge, assign, note, resolve and reopen
keep their times; conflicting actions are 409 and bad bodies 422."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine
from services.common.migrate import upgrade
from services.notifier.signals import store_signal
from tests.conftest import new_database_url
from tests.notifier.cases_support import case_of, person, playbook_body, post_signal
from tests.notifier.support import NOW, signal_body
from tests.support import ADMIN_KEY, auth

ADMIN = auth(ADMIN_KEY)


def test_a_low_signal_opens_a_case_with_its_answers_and_the_default_target(notifier):
    body = post_signal(notifier, answers=[
        {"question_key": "q_nps", "type": "nps", "value": 2},
        {"question_key": "q_why", "type": "multi_choice", "choices": ["late", "damaged"]}],
        questions={"q_nps": {"text": "추천하시겠습니까?"},
                   "q_why": {"text": "무엇이 문제였나요?", "choices": {"late": "늦은 배송", "damaged": "파손"}}})
    case = case_of(notifier, body["response_id"])
    assert case["status"] == "open" and case["outcome"] is None and case["score"] == 2
    assert case["customer_id"] == "cust-7" and case["comment"] == "배송이 너무 느렸어요"
    assert case["answers"][0]["question"] == "추천하시겠습니까?" and case["answers"][0]["value_label"] == "2 / 10"
    assert case["answers"][1]["value_label"] == "늦은 배송; 파손"
    assert case["opened_at"] == NOW.isoformat()
    assert case["due_at"] == (NOW + timedelta(hours=24)).isoformat()  # no playbook: NOTIFIER_CASE_TARGET_HOURS
    assert case["playbook"] is None and case["assignee"] is None and case["overdue"] is False
    assert [e["kind"] for e in case["history"]] == ["opened"]
    one = notifier.http.get(f"/v1/cases/{case['id']}", headers=ADMIN)
    assert one.status_code == 200 and one.json == case


def test_the_same_response_opens_one_case_even_when_sent_again(notifier):
    body = post_signal(notifier)
    notifier.http.post("/v1/signals", json=body, headers=ADMIN)
    count = notifier.connection.execute(text("SELECT count(*) FROM cases WHERE response_id = :r"),
                                        {"r": body["response_id"]}).scalar()
    assert count == 1


def test_a_playbook_is_copied_into_the_case_with_its_target_and_default_assignee(notifier):
    kim = person("Kim")
    created = notifier.http.post("/v1/playbooks", headers=ADMIN,
                                 json=playbook_body(target_hours=4, default_assignee=kim))
    assert created.status_code == 201, created.json
    case = case_of(notifier, post_signal(notifier)["response_id"])
    assert case["playbook"]["id"] == created.json["id"]
    assert case["playbook"]["instruction"]["en"] == "Call within 24 hours; offer re-delivery"
    assert case["due_at"] == (NOW + timedelta(hours=4)).isoformat()
    assert case["assignee"] == kim and case["first_action_at"] is None  # the playbook's, not a person's action
    assert [(e["kind"], e["actor"], e["assignee"]) for e in case["history"]] == [
        ("opened", "system", None), ("assigned", "system", kim)]
    notifier.http.put(f"/v1/playbooks/{created.json['id']}", headers=ADMIN,
                      json=playbook_body(instruction={"ko": "바뀜", "en": "changed"}))
    again = notifier.http.get(f"/v1/cases/{case['id']}", headers=ADMIN).json
    assert again["playbook"]["instruction"]["en"] == "Call within 24 hours; offer re-delivery"  # as it was


def test_every_action_keeps_its_time_and_history(notifier):
    case = case_of(notifier, post_signal(notifier)["response_id"])
    path = f"/v1/cases/{case['id']}"
    notifier.clock.advance(minutes=30)
    acked = notifier.http.post(f"{path}/acknowledge", headers=ADMIN)
    assert acked.status_code == 200 and acked.json["status"] == "acknowledged"
    assert acked.json["acknowledged_at"] == acked.json["first_action_at"] == (NOW + timedelta(minutes=30)).isoformat()
    assert acked.json["time_to_first_action_seconds"] == 1800
    notifier.clock.advance(minutes=30)
    assigned = notifier.http.post(f"{path}/assign", headers=ADMIN, json={"assignee": person("Lee")})
    assert assigned.json["assignee"]["name"] == "Lee" and assigned.json["first_action_at"] == acked.json["first_action_at"]
    noted = notifier.http.post(f"{path}/notes", headers=ADMIN, json={"text": "called the customer, refund issued"})
    assert noted.status_code == 200
    notifier.clock.advance(hours=1)
    resolved = notifier.http.post(f"{path}/resolve", headers=ADMIN, json={"outcome": "resolved", "note": "done"})
    assert resolved.json["status"] == "resolved" and resolved.json["outcome"] == "resolved"
    assert resolved.json["resolved_at"] == (NOW + timedelta(hours=2)).isoformat()
    notifier.clock.advance(hours=5)
    assert notifier.http.get(path, headers=ADMIN).json["age_seconds"] == 7200  # age stops at resolution
    history = resolved.json["history"]
    assert [e["kind"] for e in history] == ["opened", "acknowledged", "assigned", "noted", "resolved"]
    assert history[3]["text"] == "called the customer, refund issued" and history[3]["actor"] == "env-admin"
    assert history[4]["outcome"] == "resolved" and history[4]["text"] == "done"
    reopened = notifier.http.post(f"{path}/reopen", headers=ADMIN)
    assert reopened.json["status"] == "acknowledged" and reopened.json["outcome"] is None
    assert reopened.json["resolved_at"] is None and reopened.json["history"][-1]["kind"] == "reopened"
    unassigned = notifier.http.post(f"{path}/assign", headers=ADMIN, json={"assignee": None})
    assert unassigned.json["assignee"] is None


def test_a_note_alone_is_a_first_action(notifier):
    case = case_of(notifier, post_signal(notifier)["response_id"])
    notifier.clock.advance(minutes=5)
    noted = notifier.http.post(f"/v1/cases/{case['id']}/notes", headers=ADMIN, json={"text": "left a voicemail"})
    assert noted.json["first_action_at"] == (NOW + timedelta(minutes=5)).isoformat()
    assert noted.json["status"] == "open"


def test_conflicting_actions_are_409(notifier):
    case = case_of(notifier, post_signal(notifier)["response_id"])
    path = f"/v1/cases/{case['id']}"
    assert notifier.http.post(f"{path}/reopen", headers=ADMIN).status_code == 409  # not resolved
    assert notifier.http.post(f"{path}/acknowledge", headers=ADMIN).status_code == 200
    assert notifier.http.post(f"{path}/acknowledge", headers=ADMIN).status_code == 409  # twice
    assert notifier.http.post(f"{path}/resolve", headers=ADMIN, json={"outcome": "no_action"}).status_code == 200
    again = notifier.http.post(f"{path}/resolve", headers=ADMIN, json={"outcome": "resolved"})
    assert again.status_code == 409 and again.json["code"] == 409
    assert notifier.http.post(f"{path}/acknowledge", headers=ADMIN).status_code == 409
    assert notifier.http.post(f"{path}/assign", headers=ADMIN, json={"assignee": person()}).status_code == 409
    assert notifier.http.post(f"{path}/notes", headers=ADMIN, json={"text": "after"}).status_code == 200


def test_bad_bodies_are_422_and_unknown_cases_404(notifier):
    case = case_of(notifier, post_signal(notifier)["response_id"])
    path = f"/v1/cases/{case['id']}"
    for action, body in [("notes", {"text": ""}), ("notes", {"text": "x" * 2001}), ("notes", {}),
                         ("resolve", {"outcome": "fixed"}), ("resolve", {}),
                         ("assign", {"assignee": {"id": "u1", "name": "Kim", "email": "not an email"}}),
                         ("assign", {}), ("assign", {"assignee": person(), "extra": 1})]:
        reply = notifier.http.post(f"{path}/{action}", headers=ADMIN, json=body)
        assert reply.status_code == 422, (action, body, reply.json)
    for query in ({"view": "theirs"}, {"status": "closed"}, {"limit": 0}, {"cursor": "nonsense"}):
        assert notifier.http.get("/v1/cases", headers=ADMIN, query_string=query).status_code == 422, query
    assert notifier.http.get("/v1/cases/987654", headers=ADMIN).status_code == 404
    assert notifier.http.get("/v1/cases/99999999999999999999999", headers=ADMIN).status_code == 404
    assert notifier.http.post("/v1/cases/987654/acknowledge", headers=ADMIN).status_code == 404


def test_lists_page_newest_first_and_filter_by_view_status_and_customer(notifier):
    ids = []
    for index in range(5):
        ids.append(case_of(notifier, post_signal(notifier, customer_id=f"c-{index % 2}")["response_id"])["id"])
        notifier.clock.advance(minutes=1)
    first = notifier.http.get("/v1/cases", headers=ADMIN, query_string={"limit": 2}).json
    assert [c["id"] for c in first["items"]] == ids[::-1][:2] and first["next_cursor"]
    rest = notifier.http.get("/v1/cases", headers=ADMIN, query_string={"limit": 10, "cursor": first["next_cursor"]})
    assert [c["id"] for c in rest.json["items"]] == ids[::-1][2:] and rest.json["next_cursor"] is None
    mine = notifier.http.post(f"/v1/cases/{ids[0]}/assign", headers=ADMIN,
                              json={"assignee": person("Admin", key_id="env-admin")})
    assert mine.status_code == 200
    notifier.http.post(f"/v1/cases/{ids[1]}/resolve", headers=ADMIN, json={"outcome": "unreachable"})

    def listed(**query):
        return [c["id"] for c in notifier.http.get("/v1/cases", headers=ADMIN, query_string=query).json["items"]]

    assert listed(view="mine") == [ids[0]]
    assert listed(view="unassigned") == [ids[4], ids[3], ids[2]]
    assert listed(status="resolved") == [ids[1]]
    assert listed(customer_id="c-0", status="active") == [ids[4], ids[2], ids[0]]
    assert listed(view="overdue") == []
    notifier.clock.advance(hours=24)
    assert listed(view="overdue") == [ids[4], ids[3], ids[2], ids[0]]
    assert notifier.http.get(f"/v1/cases/{ids[0]}", headers=ADMIN).json["overdue"] is True


def test_concurrent_duplicates_open_one_case(backend, tmp_path):
    """Two deliveries of one signal at once, on their own connections: one stores it and opens the case,
    the other is a duplicate (PostgreSQL; SQLite has one writer)."""
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL")
    url = new_database_url(backend, "cx_cases_race", tmp_path)
    upgrade("notifier", url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    barrier = threading.Barrier(2)

    def deliver(body):
        with factory() as session:
            barrier.wait()
            return store_signal(session, {**body, "answered_at": NOW}, now=NOW)

    try:
        for _ in range(5):
            body = signal_body()
            with ThreadPoolExecutor(2) as pool:
                outcomes = sorted(pool.map(deliver, [body, body]))
            assert outcomes == ["duplicate", "stored"]
            with engine.connect() as connection:
                count = connection.execute(text("SELECT count(*) FROM cases WHERE response_id = :r"),
                                           {"r": body["response_id"]}).scalar()
            assert count == 1
    finally:
        engine.dispose()
