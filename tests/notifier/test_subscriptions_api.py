"""Subscriptions over HTTP: validation, ownership (404 for others' ids), admin view, webhook safety."""

from __future__ import annotations

import pytest

from shared.auth import parse_key_id
from tests.notifier.support import subscription_body
from tests.support import ADMIN_KEY, auth


def create(notifier, key, **overrides):
    return notifier.http.post("/v1/subscriptions", json=subscription_body(**overrides), headers=auth(key))


def test_a_team_lead_creates_reads_changes_and_deletes_their_subscription(notifier):
    lead = notifier.key_for("team_lead", subject="kim")
    reply = create(notifier, lead)
    assert reply.status_code == 201, reply.json
    created = reply.json
    assert created["owner"] == parse_key_id(lead) and created["rule"]["window"] == "7d"
    assert created["channels"][0]["id"] and created["next_evaluation_at"]
    path = f"/v1/subscriptions/{created['id']}"
    assert notifier.http.get(path, headers=auth(lead)).json["name"] == "Delivery NPS"
    changed = notifier.http.patch(path, json={"cooldown_minutes": 30, "muted_until": None}, headers=auth(lead))
    assert changed.status_code == 200 and changed.json["cooldown_minutes"] == 30
    assert [s["id"] for s in notifier.http.get("/v1/subscriptions", headers=auth(lead)).json["items"]] == [created["id"]]
    assert notifier.http.delete(path, headers=auth(lead)).status_code == 204
    assert notifier.http.get(path, headers=auth(lead)).status_code == 404


def test_another_lead_cannot_see_or_touch_it_and_gets_404(notifier):
    kim, lee = notifier.key_for("team_lead", subject="kim"), notifier.key_for("team_lead", subject="lee")
    created = create(notifier, kim).json
    path = f"/v1/subscriptions/{created['id']}"
    assert notifier.http.get(path, headers=auth(lee)).status_code == 404
    assert notifier.http.patch(path, json={"name": "mine"}, headers=auth(lee)).status_code == 404
    assert notifier.http.delete(path, headers=auth(lee)).status_code == 404
    assert notifier.http.post(path + "/test", headers=auth(lee)).status_code == 404
    assert notifier.http.get("/v1/subscriptions", headers=auth(lee)).json["items"] == []
    admin_view = notifier.http.get("/v1/subscriptions", headers=auth(ADMIN_KEY)).json["items"]
    assert [s["owner"] for s in admin_view] == [parse_key_id(kim)]
    assert notifier.http.get(path, headers=auth(ADMIN_KEY)).status_code == 200


def test_a_lead_cannot_create_for_someone_else_but_an_admin_can(notifier):
    lead = notifier.key_for("team_lead", subject="kim")
    assert create(notifier, lead, owner="lee").json["owner"] == parse_key_id(lead)
    assert create(notifier, ADMIN_KEY, owner="lee").json["owner"] == "lee"


@pytest.mark.parametrize("subject", ["kim", "kim ", " kim", "KIM"])
def test_a_second_key_with_the_same_or_a_lookalike_subject_sees_nothing_of_the_first(notifier, subject):
    """Ownership is the key id: a subject is free text that anyone making keys can repeat."""
    kim, twin = notifier.key_for("team_lead", subject="kim"), notifier.key_for("team_lead", subject=subject)
    created = create(notifier, kim).json
    path = f"/v1/subscriptions/{created['id']}"
    assert notifier.http.get("/v1/subscriptions", headers=auth(twin)).json["items"] == []
    assert notifier.http.get(path, headers=auth(twin)).status_code == 404
    assert notifier.http.patch(path, json={"name": "mine"}, headers=auth(twin)).status_code == 404
    assert notifier.http.post(path + "/test", headers=auth(twin)).status_code == 404
    assert notifier.http.post(path + "/test", headers=auth(kim)).status_code == 202
    assert notifier.http.get("/v1/alerts", headers=auth(kim)).json["notices"] != []
    assert notifier.http.get("/v1/alerts", headers=auth(twin)).json["notices"] == []
    assert [s["id"] for s in notifier.http.get("/v1/subscriptions", headers=auth(kim)).json["items"]] == [created["id"]]


@pytest.mark.parametrize("role", ["marketer", "analyst", "service", "ingest"])
def test_other_roles_are_refused(notifier, role):
    assert create(notifier, notifier.key_for(role)).status_code == 403


@pytest.mark.parametrize("change", [
    {"metric": "revenue"}, {"rule": {"kind": "threshold"}}, {"rule": {"kind": "drop", "window": "3x"}},
    {"channels": []}, {"channels": [{"type": "webhook", "url": "https://93.184.216.34/h"}]},
    {"channels": [{"type": "email"}]}, {"surprise": 1}, {"rule": {"kind": "drop", "alpha": 0.9}},
])
def test_invalid_subscriptions_get_422(notifier, change):
    reply = create(notifier, ADMIN_KEY, **change)
    assert reply.status_code == 422 and reply.json["errors"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.0.0.8/hook", "http://192.168.1.2/h",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/h", "http://[::ffff:127.0.0.1]/h",
    "http://2130706433/h", "http://0x7f000001/h", "http://0177.0.0.1/h", "http://0.0.0.0/h",
    "http://100.64.0.1/h", "http://user:pw@93.184.216.34/h",
])
def test_webhooks_to_internal_addresses_are_refused_when_saved(notifier, url):
    channels = [{"type": "webhook", "url": url, "secret": "s" * 20}]
    reply = create(notifier, ADMIN_KEY, channels=channels)
    assert reply.status_code == 422, url


def test_a_public_webhook_is_accepted_and_its_secret_never_returned(notifier):
    channels = [{"type": "webhook", "url": "https://93.184.216.34/hook", "secret": "s" * 20},
                {"type": "slack", "url": "https://93.184.216.34/services/T/B/X"}]
    reply = create(notifier, ADMIN_KEY, channels=channels)
    assert reply.status_code == 201, reply.json
    assert all("secret" not in c for c in reply.json["channels"])


def test_test_send_queues_one_delivery_per_channel(notifier):
    lead = notifier.key_for("team_lead", subject="kim")
    channels = [{"type": "email", "address": "a@example.com"},
                {"type": "webhook", "url": "https://93.184.216.34/hook", "secret": "s" * 20}]
    created = create(notifier, lead, channels=channels).json
    reply = notifier.http.post(f"/v1/subscriptions/{created['id']}/test", headers=auth(lead))
    assert reply.status_code == 202
    assert sorted(d["channel_type"] for d in reply.json["deliveries"]) == ["email", "webhook"]
    notices = notifier.http.get("/v1/alerts", headers=auth(lead)).json["notices"]
    assert {(n["kind"], n["status"]) for n in notices} == {("test", "pending")}
    assert notifier.http.get("/v1/alerts", headers=auth(notifier.key_for("analyst"))).status_code == 403


def test_unsubscribe_link_removes_email_channels(notifier):
    from sqlalchemy import text
    created = create(notifier, ADMIN_KEY).json
    token = notifier.connection.execute(text("SELECT unsubscribe_token FROM subscriptions WHERE id = :i"),
                                        {"i": created["id"]}).scalar()
    assert notifier.http.get(f"/unsubscribe/{token}").status_code == 200
    assert notifier.http.post(f"/unsubscribe/{token}").status_code == 200
    after = notifier.http.get(f"/v1/subscriptions/{created['id']}", headers=auth(ADMIN_KEY)).json
    assert after["channels"] == [] and after["active"] is False
    assert notifier.http.post("/unsubscribe/not-a-token").status_code == 404


def test_line_breaks_in_a_subscription_name_are_refused(notifier):
    lead = notifier.key_for("team_lead", subject="kim")
    reply = create(notifier, lead, name="Delivery\r\nBcc: victim@example.com")
    assert reply.status_code == 422 and "single line" in str(reply.json["errors"])
    created = create(notifier, lead).json
    reply = notifier.http.patch(f"/v1/subscriptions/{created['id']}", json={"name": "a\nb"}, headers=auth(lead))
    assert reply.status_code == 422 and "single line" in str(reply.json["errors"])
