"""What the service has seen: event types with volume and last arrival, recent events, contact rules,
and the dry run's recontact explanation."""

from __future__ import annotations

from datetime import timedelta

from tests.survey.conftest import T0, event_body, survey_body


def test_event_types_count_in_sql_and_say_when_the_last_arrived(survey_app):
    assert survey_app.call("get", "/v1/event-types").json == []
    survey_app.post_event("e1")
    survey_app.clock.advance(hours=1)
    survey_app.post_event("e2")
    survey_app.post_event("e3", type_="ticket.closed")
    survey_app.clock.advance(hours=1)
    survey_app.post_event("e4")
    reply = survey_app.call("get", "/v1/event-types")
    assert reply.status_code == 200, reply.json
    assert [(item["type"], item["count"]) for item in reply.json] == [("order.delivered", 3), ("ticket.closed", 1)]
    delivered = reply.json[0]
    assert delivered["first_received_at"].startswith("2026-03-02T00:00")
    assert delivered["last_received_at"].startswith("2026-03-02T02:00")
    assert survey_app.call("get", "/v1/event-types", role="analyst").status_code == 200
    for role in ("ingest", "finance", "team_lead"):
        assert survey_app.call("get", "/v1/event-types", role=role).status_code == 403


def test_recent_events_of_a_type_newest_first_for_marketers_only(survey_app):
    for number in range(4):
        survey_app.post_event(f"e{number}", attributes={"order_id": f"o-{number}", "amount": number * 1000})
        survey_app.clock.advance(minutes=5)
    survey_app.post_event("other", type_="ticket.closed", customer="c9")
    reply = survey_app.call("get", "/v1/events", query_string={"type": "order.delivered", "limit": 2})
    assert reply.status_code == 200, reply.json
    assert [event["id"] for event in reply.json] == ["e3", "e2"]
    assert reply.json[0]["customer_id"] == "c1" and reply.json[0]["attributes"] == {"order_id": "o-3", "amount": 3000}
    by_customer = survey_app.call("get", "/v1/events", query_string={"customer_id": "c9"}).json
    assert [event["id"] for event in by_customer] == ["other"]
    assert survey_app.call("get", "/v1/events", query_string={"limit": 101}).status_code == 422
    assert survey_app.call("get", "/v1/events", query_string={"type": "bad type"}).status_code == 422
    for role in ("analyst", "ingest", "finance"):
        assert survey_app.call("get", "/v1/events", role=role).status_code == 403


def test_recent_events_of_a_triggers_type(survey_app):
    """What the trigger editor asks together with the trigger itself: the events its trigger would see."""
    survey = survey_app.published_survey()
    trigger = survey_app.trigger(survey["id"], event_type="ticket.closed")
    survey_app.post_event("delivered-1")
    survey_app.post_event("closed-1", type_="ticket.closed", customer="c9")
    reply = survey_app.call("get", "/v1/events", query_string={"trigger_id": trigger["id"]})
    assert reply.status_code == 200 and [event["id"] for event in reply.json] == ["closed-1"]
    assert survey_app.call("get", "/v1/events", query_string={"trigger_id": 999}).status_code == 404
    both = survey_app.call("get", "/v1/events", query_string={"trigger_id": trigger["id"], "type": "a.b"})
    assert both.status_code == 422 and "trigger_id" in both.json["errors"]["query"]


def test_contact_rules_are_readable_by_whoever_sees_triggers(survey_app):
    reply = survey_app.call("get", "/v1/contact-rules")
    assert reply.status_code == 200
    assert reply.json == {"budget_max_contacts": 2, "budget_days": 7, "default_time_zone": "UTC",
                          "budget_source": "configuration", "updated_at": None, "updated_by": None}
    assert survey_app.call("get", "/v1/contact-rules", role="analyst").status_code == 200
    assert survey_app.call("get", "/v1/contact-rules", role="team_lead").status_code == 403


def test_preview_names_the_last_send_and_the_recontact_window(survey_app):
    survey = survey_app.published_survey(recontact_days=14)
    trigger = survey_app.trigger(survey["id"])
    survey_app.post_event("first")
    survey_app.match()
    survey_app.dispatch()
    survey_app.clock.advance(days=3)
    body = event_body("second", occurred_at=T0 + timedelta(days=3))
    reply = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": body}).json
    assert reply["stopped_by"] == "recontact" and reply["would_send"] is False
    assert reply["recontact_days"] == 14 and reply["last_sent_at"].startswith("2026-03-02T00:00")


def test_event_types_add_the_matchers_stored_counts_to_the_events_not_matched_yet(survey_app):
    from sqlalchemy import func, select

    from services.survey.models import EventTypeCount, JourneyEvent

    def brute_force():
        with survey_app.session() as session:
            rows = session.execute(select(JourneyEvent.type, func.count()).group_by(JourneyEvent.type)).all()
        return sorted((kind, count) for kind, count in rows)

    def served():
        return sorted((item["type"], item["count"]) for item in survey_app.call("get", "/v1/event-types").json)

    for number in range(5):
        survey_app.post_event(f"a{number}", type_="order.delivered" if number % 2 else "ticket.closed")
    survey_app.match()
    with survey_app.session() as session:
        stored = {row.type: row.count for row in session.scalars(select(EventTypeCount))}
    assert stored == {"order.delivered": 2, "ticket.closed": 3}  # counted by the pass that matched them
    survey_app.clock.advance(hours=2)
    survey_app.post_event("b1", type_="order.delivered")
    survey_app.post_event("b2", type_="order.returned")  # a type only the unmatched events have
    assert served() == brute_force() == [("order.delivered", 3), ("order.returned", 1), ("ticket.closed", 3)]
    newest = survey_app.call("get", "/v1/event-types").json
    assert [item["type"] for item in newest][:2] == ["order.delivered", "order.returned"] or \
        [item["type"] for item in newest][:2] == ["order.returned", "order.delivered"]
    assert newest[-1]["type"] == "ticket.closed" and newest[0]["last_received_at"].startswith("2026-03-02T02:00")
    survey_app.match()
    survey_app.match()  # a pass with nothing to match adds nothing
    assert served() == brute_force()
    delivered = next(item for item in survey_app.call("get", "/v1/event-types").json if item["type"] == "order.delivered")
    assert delivered["first_received_at"].startswith("2026-03-02T00:00")
    assert delivered["last_received_at"].startswith("2026-03-02T02:00")


def test_trigger_editor_answers_what_the_five_reads_answer(survey_app):
    """The trigger editor's one read: the trigger, published surveys by name (plus the trigger's own survey,
    whatever its status), and the event types, contact rules and recent events as their own endpoints."""
    zeta = survey_app.published_survey(name="Zeta CSAT", recontact_days=14)
    alpha = survey_app.published_survey(name="Alpha NPS")
    draft = survey_app.call("post", "/v1/surveys", json=survey_body(name="Draft only")).json
    trigger = survey_app.trigger(zeta["id"], event_type="ticket.closed")
    survey_app.post_event("e1")
    survey_app.post_event("c1", type_="ticket.closed", customer="c9")
    survey_app.match()
    survey_app.clock.advance(minutes=5)
    survey_app.post_event("c2", type_="ticket.closed", attributes={"ticket": "t-2"})  # not matched yet: counted too
    reply = survey_app.call("get", "/v1/trigger-editor")
    assert reply.status_code == 200, reply.json
    assert reply.json["trigger"] is None and reply.json["recent_events"] is None
    assert [(s["name"], s["status"]) for s in reply.json["surveys"]] == [("Alpha NPS", "published"),
                                                                          ("Zeta CSAT", "published")]
    assert reply.json["surveys"][1] == {"id": zeta["id"], "name": "Zeta CSAT", "status": "published",
                                        "touchpoint": "delivery", "recontact_days": 14}
    assert draft["id"] not in {s["id"] for s in reply.json["surveys"]}
    assert reply.json["event_types"] == survey_app.call("get", "/v1/event-types").json
    assert {(t["type"], t["count"]) for t in reply.json["event_types"]} == {("order.delivered", 1), ("ticket.closed", 2)}
    assert reply.json["contact_rules"] == survey_app.call("get", "/v1/contact-rules").json

    editing = survey_app.call("get", "/v1/trigger-editor", query_string={"trigger_id": trigger["id"]}).json
    assert editing["trigger"] == survey_app.call("get", f"/v1/triggers/{trigger['id']}").json
    assert editing["recent_events"] == survey_app.call("get", "/v1/events",
                                                       query_string={"trigger_id": trigger["id"], "limit": 10}).json
    assert [event["id"] for event in editing["recent_events"]] == ["c2", "c1"]
    one = survey_app.call("get", "/v1/trigger-editor", query_string={"trigger_id": trigger["id"], "events_limit": 1})
    assert [event["id"] for event in one.json["recent_events"]] == ["c2"]

    archived = survey_app.call("post", f"/v1/surveys/{zeta['id']}/archive")
    assert archived.status_code == 200, archived.json
    assert [s["id"] for s in survey_app.call("get", "/v1/trigger-editor").json["surveys"]] == [alpha["id"]]
    editing = survey_app.call("get", "/v1/trigger-editor", query_string={"trigger_id": trigger["id"]}).json
    assert [(s["id"], s["status"]) for s in editing["surveys"]] == [(alpha["id"], "published"), (zeta["id"], "archived")]

    for bad in ({"trigger_id": 999}, ):
        assert survey_app.call("get", "/v1/trigger-editor", query_string=bad).status_code == 404
    for bad in ({"trigger_id": "x"}, {"trigger_id": 0}, {"events_limit": 101}, {"other": 1}):
        assert survey_app.call("get", "/v1/trigger-editor", query_string=bad).status_code == 422, bad
    # analysts read triggers but not events (personal data): the rest, without them
    as_analyst = survey_app.call("get", "/v1/trigger-editor", role="analyst", query_string={"trigger_id": trigger["id"]})
    assert as_analyst.status_code == 200 and as_analyst.json["recent_events"] is None
    assert as_analyst.json["trigger"]["id"] == trigger["id"]
    assert survey_app.call("get", "/v1/events", role="analyst").status_code == 403
    for role in ("ingest", "finance", "team_lead"):
        assert survey_app.call("get", "/v1/trigger-editor", role=role).status_code == 403
