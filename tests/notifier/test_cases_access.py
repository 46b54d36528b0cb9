"""Who reaches which case: admins every case; a team lead the cases in the scope of their own active
low-score subscriptions and those assigned to them (another's is 404 by id, never listed); marketers,
analysts and finance none (403). Playbooks: admins and marketers write, team leads read."""

from __future__ import annotations

import time

import pytest

from services.common.clock import ManualClock
from shared.actor import ACTOR_HEADER, sign_actor
from tests.notifier.cases_support import case_of, lead_watching, person, playbook_body, post_signal
from tests.notifier.support import NOW
from tests.support import ADMIN_KEY, auth

CONSOLE_KEY = "notifier-test-console-key-0123"
ACTOR_SECRET = "notifier-test-actor-secret"

ADMIN = auth(ADMIN_KEY)
ACTIONS = [("acknowledge", None), ("assign", {"assignee": None}), ("notes", {"text": "hello"}),
           ("resolve", {"outcome": "no_action"}), ("reopen", None)]


def test_a_lead_sees_the_cases_of_their_scope_and_another_lead_gets_404(notifier):
    delivery = lead_watching(notifier, "delivery")
    support = lead_watching(notifier, "support")
    theirs = case_of(notifier, post_signal(notifier, touchpoint="delivery")["response_id"])
    other = case_of(notifier, post_signal(notifier, touchpoint="support")["response_id"])
    path = f"/v1/cases/{theirs['id']}"
    assert notifier.http.get(path, headers=delivery.headers).status_code == 200
    assert notifier.http.get(path, headers=support.headers).status_code == 404
    for action, body in ACTIONS:
        reply = notifier.http.post(f"{path}/{action}", headers=support.headers, json=body)
        assert reply.status_code == 404, action
    for view in ("team", "all", "unassigned"):
        listed = notifier.http.get("/v1/cases", headers=delivery.headers, query_string={"view": view}).json
        assert [c["id"] for c in listed["items"]] == [theirs["id"]], view
    listed = notifier.http.get("/v1/cases", headers=support.headers).json
    assert [c["id"] for c in listed["items"]] == [other["id"]]
    acked = notifier.http.post(f"{path}/acknowledge", headers=delivery.headers)
    assert acked.status_code == 200 and acked.json["history"][-1]["actor"] == delivery.key_id


def test_a_case_assigned_to_a_lead_is_theirs_to_see_and_in_mine(notifier):
    delivery = lead_watching(notifier, "delivery")
    support = lead_watching(notifier, "support")
    case = case_of(notifier, post_signal(notifier, touchpoint="delivery")["response_id"])
    assigned = notifier.http.post(f"/v1/cases/{case['id']}/assign", headers=delivery.headers,
                                  json={"assignee": person("Park", key_id=support.key_id)})
    assert assigned.status_code == 200
    assert notifier.http.get(f"/v1/cases/{case['id']}", headers=support.headers).status_code == 200
    mine = notifier.http.get("/v1/cases", headers=support.headers, query_string={"view": "mine"}).json
    assert [c["id"] for c in mine["items"]] == [case["id"]]
    assert notifier.http.get("/v1/cases", headers=delivery.headers, query_string={"view": "mine"}).json["items"] == []


def test_segment_scope_and_inactive_subscriptions_limit_a_leads_reach(notifier):
    seoul = lead_watching(notifier, "delivery", segment=["region:Seoul"])
    in_seoul = case_of(notifier, post_signal(notifier, attributes={"region": "Seoul"})["response_id"])
    in_busan = case_of(notifier, post_signal(notifier, attributes={"region": "Busan"})["response_id"])
    assert notifier.http.get(f"/v1/cases/{in_seoul['id']}", headers=seoul.headers).status_code == 200
    assert notifier.http.get(f"/v1/cases/{in_busan['id']}", headers=seoul.headers).status_code == 404
    [subscription] = notifier.http.get("/v1/subscriptions", headers=seoul.headers).json["items"]
    notifier.http.patch(f"/v1/subscriptions/{subscription['id']}", headers=seoul.headers, json={"active": False})
    assert notifier.http.get(f"/v1/cases/{in_seoul['id']}", headers=seoul.headers).status_code == 404
    assert notifier.http.get("/v1/cases", headers=seoul.headers).json["items"] == []


def test_a_console_person_is_the_principal_mine_compares(make_service):
    """A console request acts for ``console-user:<id>``; ``mine`` lists what is assigned to that id."""
    notifier = make_service("notifier", clock=ManualClock(NOW),
                            env={"CX_CONSOLE_KEY": CONSOLE_KEY, "CX_CONSOLE_ACTOR_SECRET": ACTOR_SECRET})
    notifier.http = notifier.client()
    case = case_of(notifier, post_signal(notifier)["response_id"])
    notifier.http.post(f"/v1/cases/{case['id']}/assign", headers=ADMIN, json={"assignee": person("Kim")})
    header = sign_actor(ACTOR_SECRET, user_id=7, role="team_lead", expires_at=int(time.time()) + 60)
    as_person = {**auth(CONSOLE_KEY), ACTOR_HEADER: header}
    mine = notifier.http.get("/v1/cases", headers=as_person, query_string={"view": "mine"})
    assert mine.status_code == 200 and [c["id"] for c in mine.json["items"]] == [case["id"]]
    assert notifier.http.get(f"/v1/cases/{case['id']}", headers=as_person).status_code == 200
    other = {**auth(CONSOLE_KEY), ACTOR_HEADER: sign_actor(ACTOR_SECRET, user_id=8, role="team_lead",
                                                           expires_at=int(time.time()) + 60)}
    assert notifier.http.get(f"/v1/cases/{case['id']}", headers=other).status_code == 404


@pytest.mark.parametrize("role", ["marketer", "analyst", "finance", "ingest", "service"])
def test_other_roles_may_not_reach_cases(notifier, role):
    key = auth(notifier.key_for(role))
    case = case_of(notifier, post_signal(notifier)["response_id"])
    assert notifier.http.get("/v1/cases", headers=key).status_code == 403
    assert notifier.http.get(f"/v1/cases/{case['id']}", headers=key).status_code == 403
    assert notifier.http.post(f"/v1/cases/{case['id']}/acknowledge", headers=key).status_code == 403


@pytest.mark.parametrize("role,reads,writes", [("admin", True, True), ("marketer", True, True),
                                               ("team_lead", True, False), ("analyst", False, False),
                                               ("finance", False, False)])
def test_playbooks_are_written_by_admins_and_marketers_and_read_by_leads(notifier, role, reads, writes):
    key = ADMIN if role == "admin" else auth(notifier.key_for(role))
    created = notifier.http.post("/v1/playbooks", headers=key, json=playbook_body())
    assert created.status_code == (201 if writes else 403), created.json
    if not writes:
        created = notifier.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body())
    path = f"/v1/playbooks/{created.json['id']}"
    assert notifier.http.get("/v1/playbooks", headers=key).status_code == (200 if reads else 403)
    assert notifier.http.get(path, headers=key).status_code == (200 if reads else 403)
    changed = notifier.http.put(path, headers=key, json=playbook_body(target_hours=8))
    assert changed.status_code == (200 if writes else 403)
    assert notifier.http.delete(path, headers=key).status_code == (204 if writes else 403)


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_leads_pages_hold_every_case_of_their_scope_once(notifier, monkeypatch, limit):
    """A lead's list is filtered after reading: small reads and a small scan cap still page through every
    case in scope, newest first, none twice (a page may come back short with a cursor)."""
    from services.notifier.cases import views

    monkeypatch.setattr(views, "SCAN_PAGE", 2)
    monkeypatch.setattr(views, "SCAN_LIMIT", 3)
    lead = lead_watching(notifier, "delivery")
    visible = []
    for index in range(9):
        touchpoint = "delivery" if index % 3 != 1 else "support"
        case = case_of(notifier, post_signal(notifier, touchpoint=touchpoint)["response_id"])
        if touchpoint == "delivery":
            visible.append(case["id"])
        notifier.clock.advance(minutes=1)
    seen, cursor = [], None
    for _ in range(20):
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = notifier.http.get("/v1/cases", headers=lead.headers, query_string=query).json
        assert len(page["items"]) <= limit
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == visible[::-1]
