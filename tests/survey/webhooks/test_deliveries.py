"""Response webhooks end to end inside one process: what happens is written in the same transaction,
the relay delivers it signed to a real HTTP receiver, retries, dead letters, the log and replays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.common.outbox import OutboxRelay
from services.survey.models import PLATFORM, WebhookDelivery
from services.survey.webhooks.emission import DESTINATION
from services.survey.webhooks.sending import SendSettings, webhook_handler
from tests.support import ConnectionAsEngine
from tests.survey.webhooks.conftest import MAX_ATTEMPTS
from tests.survey.webhooks.receiver import HookReceiver, verifies

COMPLETE = {"q_nps": "9", "q_csat": "5", "q_comment": "빨리 왔어요"}


def test_a_partial_then_completed_response_sends_created_updated_completed(hooks):
    endpoint = hooks.endpoint()
    invitation, token = hooks.invite(attributes={"region": "Seoul", "name": "김민지"})
    client = hooks.service.client()
    assert client.get(f"/r/{token}?score=3&q=nps").status_code == 200  # one click: a partial response
    assert client.post(f"/r/{token}", data=COMPLETE).status_code == 200
    result = hooks.deliver()
    assert result.delivered >= 3
    assert hooks.receiver.types() == ["response.created", "response.updated", "response.completed"]
    created, updated, completed = (m.json for m in hooks.receiver.received)
    for message in hooks.receiver.received:
        assert verifies(endpoint["secret"], message.headers, message.body)  # the official library
        assert message.headers["webhook-id"] == message.json["id"]
    # the completing version is an update too (it changed the answers), and then the completion
    assert created["data"]["completed"] is False and updated["data"]["completed"] is True
    assert [a["value"] for a in created["data"]["answers"]] == [3]
    assert updated["data"]["version"] == completed["data"]["version"] > created["data"]["version"]
    data = completed["data"]
    assert data["completed"] is True and data["invitation_id"] == str(invitation.id)
    assert data["survey_id"] == str(hooks.survey.id) and data["survey_version"] == 1
    assert data["customer_id"] == "c-1"
    assert {a["question_key"]: a.get("value") for a in data["answers"]}["nps"] == 9
    assert "빨리 왔어요" in completed["data"].__repr__()
    assert "attributes" not in data and "김민지" not in message.body.decode() and "@" not in message.body.decode()
    log = hooks.deliveries(endpoint["id"])
    assert [d["status"] for d in log] == ["delivered"] * 3 and all(d["response_code"] == 200 for d in log)
    assert all(d["attempts"] == 1 for d in log)


def test_the_filter_and_disabled_endpoints(hooks):
    completed_only = hooks.endpoint(event_types=["response.completed"])
    disabled = hooks.endpoint(enabled=False)
    _invitation, token = hooks.invite()
    hooks.service.client().post(f"/r/{token}", data=COMPLETE)
    hooks.deliver()
    assert hooks.receiver.types() == ["response.completed"]
    assert [d["event_type"] for d in hooks.deliveries(completed_only["id"])] == ["response.completed"]
    assert hooks.deliveries(disabled["id"]) == []


def test_nothing_is_written_when_no_endpoint_exists(hooks):
    _invitation, token = hooks.invite()
    hooks.service.client().post(f"/r/{token}", data=COMPLETE)
    rows = hooks.service.connection.execute(select(PLATFORM.outbox.c.destination)).scalars().all()
    assert "webhooks" not in rows and rows  # metrics still gets the response


def test_failures_are_retried_with_backoff_then_delivered_and_logged(hooks):
    endpoint = hooks.endpoint(event_types=["response.completed"])
    hooks.receiver.statuses = [503, 500]
    _invitation, token = hooks.invite()
    hooks.service.client().post(f"/r/{token}", data=COMPLETE)
    hooks.deliver()
    [pending] = hooks.deliveries(endpoint["id"])
    assert pending["status"] == "pending" and pending["attempts"] == 1 and pending["response_code"] == 503
    assert "503" in pending["last_error"]
    hooks.deliver()  # not due yet: the backoff holds it
    assert len(hooks.receiver.received) == 1
    hooks.deliver(seconds=11)
    hooks.deliver(seconds=21)
    [done] = hooks.deliveries(endpoint["id"])
    assert done["status"] == "delivered" and done["attempts"] == 3 and done["response_code"] == 200
    ids = {m.headers["webhook-id"] for m in hooks.receiver.received}
    assert len(hooks.receiver.received) == 3 and len(ids) == 1  # one webhook-id on every retry


def test_a_dead_delivery_is_failed_in_the_log_and_replayed(hooks):
    endpoint = hooks.endpoint(event_types=["response.completed"])
    hooks.receiver.statuses = [500] * MAX_ATTEMPTS
    _invitation, token = hooks.invite()
    since = hooks.clock.now()
    hooks.service.client().post(f"/r/{token}", data=COMPLETE)
    for _ in range(MAX_ATTEMPTS):
        hooks.deliver(seconds=61)
    [failed] = hooks.deliveries(endpoint["id"])
    assert failed["status"] == "failed" and failed["attempts"] == MAX_ATTEMPTS and failed["response_code"] == 500
    box = PLATFORM.outbox
    assert hooks.service.connection.execute(
        select(box.c.status).where(box.c.destination == "webhooks")).scalar_one() == "dead"
    replayed = hooks.call("post", f"/v1/webhooks/{endpoint['id']}/deliveries/{failed['id']}/replay")
    assert replayed.status_code == 202 and replayed.json["replay_of"] == failed["id"]
    hooks.deliver()
    log = {d["id"]: d for d in hooks.deliveries(endpoint["id"])}
    assert log[replayed.json["id"]]["status"] == "delivered" and log[failed["id"]]["status"] == "failed"
    assert hooks.receiver.received[-1].headers["webhook-id"] == hooks.receiver.received[0].headers["webhook-id"]
    detail = hooks.call("get", f"/v1/webhooks/{endpoint['id']}/deliveries/{failed['id']}").json
    assert detail["payload"]["type"] == "response.completed"
    # replay since a time: only failed ones by default; the replay itself is not replayed again
    again = hooks.call("post", f"/v1/webhooks/{endpoint['id']}/replay", json={"since": since.isoformat()})
    assert again.status_code == 202 and again.json["replayed"] == 1
    every = hooks.call("post", f"/v1/webhooks/{endpoint['id']}/replay",
                       json={"since": since.isoformat(), "status": "all"})
    assert every.json["replayed"] == 1
    assert hooks.call("post", f"/v1/webhooks/{endpoint['id']}/replay", json={"since": "yesterday"}).status_code == 422


def test_unsubscribe_created_once(hooks):
    hooks.endpoint(event_types=["unsubscribe.created"])
    hooks.invite(customer_id="c-9")
    assert hooks.call("post", "/v1/customers/c-9/unsubscribe").status_code == 200
    assert hooks.call("post", "/v1/customers/c-9/unsubscribe").status_code == 200  # once is enough
    hooks.deliver()
    assert hooks.receiver.types() == ["unsubscribe.created"]
    data = hooks.receiver.received[0].json["data"]
    assert data == {"customer_id": "c-9", "source": "api", "unsubscribed_at": data["unsubscribed_at"]}


def test_invitation_sent_when_dispatch_sends(survey_app):
    receiver = HookReceiver()
    try:
        reply = survey_app.call("post", "/v1/webhooks", role="admin",
                                json={"url": receiver.url, "event_types": ["invitation.sent"]})
        assert reply.status_code == 201, reply.json
        survey = survey_app.published_survey()
        survey_app.trigger(survey["id"])
        assert survey_app.post_event("e-1").status_code in (201, 202)
        survey_app.match()
        assert survey_app.dispatch() == ["sent"]
        engine = ConnectionAsEngine(survey_app.service.connection)
        handler = webhook_handler(engine, SendSettings(timeout=5, allow_private=True, max_attempts=3),
                                  now_fn=survey_app.clock.now)
        OutboxRelay(engine, PLATFORM, {DESTINATION: handler}, service="survey").drain(survey_app.clock.now)
        [message] = receiver.received
        assert verifies(reply.json["secret"], message.headers, message.body)
        data = message.json["data"]
        [invitation] = survey_app.invitations()
        assert message.json["type"] == "invitation.sent" and data["invitation_id"] == str(invitation["id"])
        assert data["customer_id"] == "c1" and data["channel"] == "email" and "@" not in message.body.decode()
    finally:
        receiver.stop()


def test_a_test_send_goes_through_the_log(hooks):
    endpoint = hooks.endpoint(event_types=["invitation.sent"])
    queued = hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    assert queued.status_code == 202 and queued.json["status"] == "pending"
    hooks.deliver()
    assert hooks.receiver.types() == ["webhook.test"]
    assert hooks.deliveries(endpoint["id"])[0]["status"] == "delivered"
    assert hooks.call("post", "/v1/webhooks/999999/test").status_code == 404


def test_a_deleted_endpoint_drops_what_was_queued(hooks):
    endpoint = hooks.endpoint()
    hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    hooks.call("delete", f"/v1/webhooks/{endpoint['id']}")
    result = hooks.deliver()
    assert result.dead == 1 and hooks.receiver.received == []
    assert hooks.service.connection.execute(select(WebhookDelivery)).all() == []


def test_rotation_signs_with_both_secrets_during_the_overlap(hooks):
    endpoint = hooks.endpoint()
    old = endpoint["secret"]
    rotated = hooks.call("post", f"/v1/webhooks/{endpoint['id']}/rotate-secret", json={"overlap_hours": 2})
    assert rotated.status_code == 200 and rotated.json["secret"] != old
    new = rotated.json["secret"]
    hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    hooks.deliver()
    during = hooks.receiver.received[-1]
    assert len(during.headers["webhook-signature"].split()) == 2
    assert verifies(old, during.headers, during.body) and verifies(new, during.headers, during.body)
    hooks.clock.advance(hours=2, seconds=1)
    hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    hooks.deliver()
    after = hooks.receiver.received[-1]
    assert verifies(new, after.headers, after.body) and not verifies(old, after.headers, after.body)
    assert hooks.call("post", f"/v1/webhooks/{endpoint['id']}/rotate-secret",
                      json={"overlap_hours": 1000}).status_code == 422


def test_a_url_refused_at_send_time_fails_at_once(hooks):
    endpoint = hooks.endpoint()
    hooks.relay.handlers[DESTINATION] = webhook_handler(
        hooks.relay.engine, SendSettings(timeout=5, allow_private=False, max_attempts=MAX_ATTEMPTS),
        now_fn=hooks.clock.now)
    hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    hooks.deliver()
    [failed] = hooks.deliveries(endpoint["id"])
    assert failed["status"] == "failed" and "refused" in failed["last_error"] and hooks.receiver.received == []


def test_deliveries_list_filters_and_pages(hooks):
    endpoint = hooks.endpoint()
    for _ in range(3):
        hooks.call("post", f"/v1/webhooks/{endpoint['id']}/test")
    newest_first = hooks.deliveries(endpoint["id"])
    assert [d["id"] for d in newest_first] == sorted((d["id"] for d in newest_first), reverse=True)
    page = hooks.deliveries(endpoint["id"], limit=2)
    rest = hooks.deliveries(endpoint["id"], before_id=page[-1]["id"])
    assert len(page) == 2 and len(rest) == 1
    assert hooks.deliveries(endpoint["id"], status="delivered") == []
    assert hooks.call("get", f"/v1/webhooks/{endpoint['id']}/deliveries",
                      query_string={"status": "lost"}).status_code == 422
    later = hooks.clock.now() + timedelta(days=1)
    assert hooks.deliveries(endpoint["id"], since=later.isoformat()) == []
