"""``POST /v1/signals``: stored once per response, real-time notices to matching low_score subscriptions."""

from __future__ import annotations

from sqlalchemy import text

from tests.notifier.support import signal_body, subscription_body
from tests.support import ADMIN_KEY, auth


def low_score_subscription(notifier, **rule):
    body = subscription_body(rule={"kind": "low_score", **rule}, scope={"touchpoint": ["delivery"],
                                                                        "segment": ["region:Seoul"]})
    return notifier.http.post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY)).json


def outbox_rows(notifier):
    return notifier.connection.execute(text(
        "SELECT destination, payload FROM outbox_messages ORDER BY id")).all()


def test_a_signal_is_stored_once(notifier):
    service = notifier.key_for("service")
    body = signal_body()
    first = notifier.http.post("/v1/signals", json=body, headers=auth(service))
    assert first.status_code == 200 and first.json == {"response_id": body["response_id"], "status": "stored"}
    again = notifier.http.post("/v1/signals", json=body, headers=auth(service))
    assert again.json["status"] == "duplicate"


def test_only_service_and_admin_may_post_signals(notifier):
    assert notifier.http.post("/v1/signals", json=signal_body(),
                              headers=auth(notifier.key_for("team_lead"))).status_code == 403
    assert notifier.http.post("/v1/signals", json=signal_body(), headers=auth(ADMIN_KEY)).status_code == 200
    bad = signal_body(score="low")
    assert notifier.http.post("/v1/signals", json=bad, headers=auth(ADMIN_KEY)).status_code == 422


def test_a_signal_in_scope_queues_a_notice_with_answers_comment_customer_and_link(notifier):
    low_score_subscription(notifier)
    notifier.http.post("/v1/signals", json=signal_body(touchpoint="support"), headers=auth(ADMIN_KEY))
    notifier.http.post("/v1/signals", json=signal_body(attributes={"region": "Busan"}), headers=auth(ADMIN_KEY))
    assert outbox_rows(notifier) == []
    body = signal_body()
    notifier.http.post("/v1/signals", json=body, headers=auth(ADMIN_KEY))
    notifier.http.post("/v1/signals", json=body, headers=auth(ADMIN_KEY))  # duplicate: no second notice
    rows = outbox_rows(notifier)
    assert len(rows) == 1 and rows[0].destination == "email"
    payload = rows[0].payload if isinstance(rows[0].payload, dict) else __import__("json").loads(rows[0].payload)
    item = payload["notice"]["signals"][0]
    assert item["customer_id"] == "cust-7" and item["comment"] == "배송이 너무 느렸어요"
    assert item["answers"][0]["value"] == 2 and item["link"] == body["link"]


def test_digest_subscriptions_get_nothing_in_real_time(notifier):
    low_score_subscription(notifier, digest_minutes=30)
    notifier.http.post("/v1/signals", json=signal_body(), headers=auth(ADMIN_KEY))
    assert outbox_rows(notifier) == []


def test_question_dimension_and_driver_scope_is_honoured(notifier):
    body = subscription_body(rule={"kind": "low_score"}, scope={"dimension": ["feel"], "question": ["q9"]})
    assert notifier.http.post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY)).status_code == 201

    def post(*answers):
        notifier.http.post("/v1/signals", headers=auth(ADMIN_KEY), json=signal_body(
            answers=[{"question_key": q, "type": "nps", "value": v, "dimension": d} for q, v, d in answers]))

    post(("q9", 2, "act"))  # the right question in another dimension
    post(("q1", 2, "feel"), ("q9", 10, "feel"))  # low on another question; q9 itself is high
    post(("q_other", 2, None))
    assert outbox_rows(notifier) == []
    post(("q1", 9, "feel"), ("q9", 2, "feel"))
    assert len(outbox_rows(notifier)) == 1


def test_every_scope_filter_has_a_meaning_for_signals():
    from services.notifier.signals import ANSWER_FILTERS, SIGNAL_FILTERS
    from shared.contracts.scores import ScopeArgsSchema

    assert set(ScopeArgsSchema().fields) == {*SIGNAL_FILTERS, *ANSWER_FILTERS, "segment"}


def notices(notifier):
    import json
    return [(row.payload if isinstance(row.payload, dict) else json.loads(row.payload))["notice"]
            for row in outbox_rows(notifier)]


def test_a_changed_score_corrects_the_stored_signal_and_the_notice_the_lead_saw(notifier):
    low_score_subscription(notifier)
    service = notifier.key_for("service")
    first = signal_body(score=2, answers=[{"question_key": "q_nps", "type": "nps", "value": 2}])
    assert notifier.http.post("/v1/signals", json=first, headers=auth(service)).json["status"] == "stored"
    changed = {**first, "score": 4, "revision": 2, "answers": [{"question_key": "q_nps", "type": "nps", "value": 4}]}
    reply = notifier.http.post("/v1/signals", json=changed, headers=auth(service))
    assert reply.json == {"response_id": first["response_id"], "status": "corrected"}
    assert notifier.http.post("/v1/signals", json=first, headers=auth(service)).json["status"] == "duplicate"
    original, correction = notices(notifier)
    assert original["kind"] == "low_score" and original["signals"][0]["score"] == 2
    assert correction["kind"] == "low_score_update" and correction["signals"][0]["score"] == 4
    assert correction["supersedes"] == {"response_id": first["response_id"], "metric": "nps", "score": 2,
                                        "revision": 1}
    assert "2" in correction["reason"] and "4" in correction["reason"]
    stored = notifier.connection.execute(text("SELECT score, revision FROM signals WHERE response_id = :id"),
                                         {"id": first["response_id"]}).one()
    assert tuple(stored) == (4, 2)
    lead_view = notifier.http.get("/v1/alerts", headers=auth(ADMIN_KEY)).json["notices"]
    assert sorted(n["kind"] for n in lead_view) == ["low_score", "low_score_update"]


def test_a_correction_to_a_score_no_longer_low_says_so(notifier):
    low_score_subscription(notifier)
    first = signal_body(score=2)
    notifier.http.post("/v1/signals", json=first, headers=auth(ADMIN_KEY))
    notifier.http.post("/v1/signals", json={**first, "score": 9, "revision": 2, "low": False},
                       headers=auth(ADMIN_KEY))
    assert "no longer low" in notices(notifier)[-1]["reason"]
