"""Matching events to triggers: delay, send window, sampling, conditions, cancel-on, priority order."""

from __future__ import annotations

from datetime import timedelta

from tests.survey.conftest import T0


def test_delay_then_send(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], delay_minutes=3 * 24 * 60)
    survey_app.post_event("e1")
    assert survey_app.match() == 1
    [invitation] = survey_app.invitations()
    assert invitation["status"] == "scheduled" and invitation["due_at"].startswith("2026-03-05T00:00")
    assert invitation["survey_version"] == 1
    assert survey_app.dispatch() == []
    survey_app.clock.advance(days=3)
    assert survey_app.dispatch() == ["sent"]
    assert survey_app.sent[0].language == "ko" and survey_app.sent[0].title == "배송은 어떠셨나요?"


def test_send_window_in_the_customers_time_zone(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], window_start="09:00", window_end="20:00")
    survey_app.clock.set(T0 + timedelta(hours=13))  # 22:00 in Seoul, 13:00 UTC
    survey_app.post_event("e1", occurred_at=T0 + timedelta(hours=13))
    survey_app.match()
    [seoul] = survey_app.invitations(customer_id="c1")
    assert seoul["due_at"].startswith("2026-03-03T00:00")  # next 09:00 in Seoul
    assert "send_window" in seoul["reason"]
    assert survey_app.dispatch() == []
    survey_app.clock.set(T0 + timedelta(hours=24))
    assert survey_app.dispatch() == ["sent"]


def test_new_york_customer_waits_for_local_morning(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], window_start="09:00", window_end="20:00")
    survey_app.clock.set(T0 + timedelta(hours=13))  # 08:00 in New York
    survey_app.post_event("e1", customer="ny", occurred_at=T0 + timedelta(hours=13), time_zone="America/New_York")
    survey_app.match()
    [invitation] = survey_app.invitations()
    assert invitation["due_at"].startswith("2026-03-02T14:00")
    assert survey_app.dispatch() == []
    survey_app.clock.set(T0 + timedelta(hours=14))
    assert survey_app.dispatch() == ["sent"]


def test_sampling_is_recorded_and_deterministic(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], sampling_rate=0.5)
    for i in range(40):
        survey_app.post_event(f"e{i}", customer=f"c{i}")
    survey_app.match()
    statuses = [i["status"] for i in survey_app.invitations(limit=100)]
    assert len(statuses) == 40
    assert 8 <= statuses.count("sampled_out") <= 32 and set(statuses) == {"sampled_out", "scheduled"}
    sampled = survey_app.invitations(status="sampled_out")[0]
    detail = survey_app.call("get", f"/v1/invitations/{sampled['id']}").json
    assert detail["decisions"][0]["decision"] == "sampled_out" and "0.5" in detail["decisions"][0]["reason"]


def test_conditions_on_event_and_customer(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], conditions=[{"field": "event.channel", "op": "ne", "value": "store"},
                                                 {"field": "customer.locale", "op": "contains", "value": "ko"}])
    survey_app.post_event("e1", customer="a", attributes={"channel": "web"})
    survey_app.post_event("e2", customer="b", attributes={"channel": "store"})
    survey_app.post_event("e3", customer="c", attributes={"channel": "web"}, locale="en-US")
    survey_app.match()
    assert [i["customer_id"] for i in survey_app.invitations()] == ["a"]


def test_return_cancels_the_pending_delivery_survey_of_the_same_order(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], delay_minutes=24 * 60, cancel_on=["order.returned"],
                       cancel_match_attribute="order_id")
    survey_app.post_event("d1", attributes={"order_id": "A"})
    survey_app.post_event("d2", attributes={"order_id": "B"})
    survey_app.match()
    survey_app.clock.advance(hours=2)
    survey_app.post_event("r1", type_="order.returned", attributes={"order_id": "A"},
                          occurred_at=survey_app.clock.now())
    survey_app.match()
    by_event = {i["event_id"]: i for i in survey_app.invitations()}
    assert by_event["d1"]["status"] == "cancelled" and "order.returned" in by_event["d1"]["reason"]
    assert by_event["d2"]["status"] == "scheduled"
    survey_app.clock.advance(days=1)
    assert survey_app.dispatch() == ["sent"]


def test_event_too_old_is_expired_not_sent(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], expires_after_minutes=60)
    survey_app.post_event("old", occurred_at=T0 - timedelta(days=2))
    survey_app.match()
    [invitation] = survey_app.invitations()
    assert invitation["status"] == "expired"


def test_inactive_trigger_and_archived_survey_do_not_fire(survey_app):
    survey = survey_app.published_survey()
    trigger = survey_app.trigger(survey["id"], delay_minutes=60)
    survey_app.call("patch", f"/v1/triggers/{trigger['id']}", json={"active": False})
    survey_app.post_event("e1")
    assert survey_app.match() == 0
    survey_app.call("patch", f"/v1/triggers/{trigger['id']}", json={"active": True})
    survey_app.post_event("e2")
    assert survey_app.match() == 1
    survey_app.call("post", f"/v1/surveys/{survey['id']}/archive")
    survey_app.clock.advance(hours=1)
    assert survey_app.dispatch() == ["cancelled"]
    survey_app.post_event("e3")
    assert survey_app.match() == 0


def test_invitation_is_pinned_to_the_version_it_was_made_with(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], delay_minutes=60)
    survey_app.post_event("e1")
    survey_app.match()
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"title": {"ko": "버전 2", "en": "Version 2"}})
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    survey_app.post_event("e2", customer="c2")
    survey_app.match()
    survey_app.clock.advance(hours=1)
    survey_app.dispatch()
    titles = {o.customer_id: o.title for o in survey_app.sent}
    assert titles == {"c1": "배송은 어떠셨나요?", "c2": "버전 2"}
    assert {i["customer_id"]: i["survey_version"] for i in survey_app.invitations()} == {"c1": 1, "c2": 2}


def test_invitations_filter_by_from_and_to_and_the_old_names_still_work(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1")
    survey_app.match()
    inside = {"from": T0.isoformat(), "to": (T0 + timedelta(minutes=1)).isoformat()}
    assert len(survey_app.invitations(**inside)) == 1
    assert survey_app.invitations(**{"from": (T0 + timedelta(minutes=1)).isoformat()}) == []
    assert len(survey_app.invitations(created_from=T0.isoformat())) == 1  # deprecated name
    both = survey_app.call("get", "/v1/invitations", query_string={
        "from": T0.isoformat(), "created_from": (T0 + timedelta(days=1)).isoformat()})
    assert both.status_code == 422 and "from" in both.json["errors"]["query"]
