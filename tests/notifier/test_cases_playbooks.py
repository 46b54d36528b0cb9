"""Playbooks: one per (touchpoint, segment); a signal takes the one of its touchpoint and its customer's
segment before the touchpoint's own; bad playbooks are 422, duplicates 409."""

from __future__ import annotations

import pytest

from tests.notifier.cases_support import case_of, person, playbook_body, post_signal
from tests.support import ADMIN_KEY, auth

ADMIN = auth(ADMIN_KEY)


def create(notifier, **overrides) -> dict:
    reply = notifier.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body(**overrides))
    assert reply.status_code == 201, reply.json
    return reply.json


def test_a_segment_playbook_beats_the_touchpoints_own(notifier):
    general = create(notifier, target_hours=24)
    seoul = create(notifier, segment="region:Seoul", target_hours=2, default_assignee=person("Seo"),
                   instruction={"ko": "서울: 2시간 안에 전화", "en": "Seoul: call within 2 hours"})
    create(notifier, touchpoint="support", target_hours=48)
    in_seoul = case_of(notifier, post_signal(notifier, attributes={"region": "Seoul"})["response_id"])
    in_busan = case_of(notifier, post_signal(notifier, attributes={"region": "Busan"})["response_id"])
    no_touchpoint = case_of(notifier, post_signal(notifier, touchpoint=None)["response_id"])
    elsewhere = case_of(notifier, post_signal(notifier, touchpoint="checkout")["response_id"])
    assert in_seoul["playbook"]["id"] == seoul["id"] and in_seoul["assignee"]["name"] == "Seo"
    assert in_seoul["playbook"]["instruction"]["ko"] == "서울: 2시간 안에 전화"
    assert in_busan["playbook"]["id"] == general["id"] and in_busan["assignee"] is None
    assert no_touchpoint["playbook"] is None and elsewhere["playbook"] is None


def test_the_oldest_of_two_matching_segment_playbooks_wins(notifier):
    first = create(notifier, segment="region:Seoul")
    notifier.clock.advance(minutes=1)
    create(notifier, segment="tier:gold")
    case = case_of(notifier, post_signal(notifier, attributes={"region": "Seoul", "tier": "gold"})["response_id"])
    assert case["playbook"]["id"] == first["id"]


def test_one_playbook_per_touchpoint_and_segment(notifier):
    first = create(notifier)
    again = notifier.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body(target_hours=5))
    assert again.status_code == 409 and again.json["code"] == 409
    segment = create(notifier, segment="region:Seoul")
    moved = notifier.http.put(f"/v1/playbooks/{segment['id']}", headers=ADMIN, json=playbook_body())
    assert moved.status_code == 409  # onto the touchpoint's own
    kept = notifier.http.put(f"/v1/playbooks/{first['id']}", headers=ADMIN, json=playbook_body(target_hours=6))
    assert kept.status_code == 200 and kept.json["target_hours"] == 6
    listed = notifier.http.get("/v1/playbooks", headers=ADMIN).json["items"]
    assert [(p["touchpoint"], p["segment"]) for p in listed] == [("delivery", None), ("delivery", "region:Seoul")]
    assert notifier.http.delete(f"/v1/playbooks/{first['id']}", headers=ADMIN).status_code == 204
    assert notifier.http.get(f"/v1/playbooks/{first['id']}", headers=ADMIN).status_code == 404
    assert notifier.http.delete(f"/v1/playbooks/{first['id']}", headers=ADMIN).status_code == 404
    assert create(notifier)["touchpoint"] == "delivery"  # free again


@pytest.mark.parametrize("change", [
    {"touchpoint": ""}, {"touchpoint": None}, {"segment": "Seoul"}, {"segment": ":x"},
    {"instruction": {"ko": "전화"}}, {"instruction": {"ko": "", "en": "call"}},
    {"instruction": {"ko": "x" * 501, "en": "call"}}, {"target_hours": 0}, {"target_hours": 721},
    {"target_hours": "24"}, {"default_assignee": {"id": "u1", "name": "Kim"}}, {"extra": True}])
def test_bad_playbooks_are_422(notifier, change):
    reply = notifier.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body(**change))
    assert reply.status_code == 422, reply.json
