"""The /v1/webhooks API: register, read, change, delete endpoints; secrets shown once; checks and roles."""

from __future__ import annotations

import pytest

from shared.contracts.webhooks import EVENT_TYPES
from shared.webhook_events import SUBSCRIBABLE_EVENT_TYPES, WebhookEventType


def test_an_endpoint_gets_a_whsec_secret_shown_only_at_creation(hooks):
    created = hooks.endpoint(description="CRM sync", event_types=["response.completed"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["event_types"] == ["response.completed"] and created["enabled"] is True
    again = hooks.call("get", f"/v1/webhooks/{created['id']}")
    assert again.status_code == 200 and "secret" not in again.json
    listed = hooks.call("get", "/v1/webhooks").json
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    other = hooks.endpoint()
    assert other["secret"] != created["secret"] and other["event_types"] is None  # null: every type


def test_update_disable_and_delete(hooks):
    endpoint = hooks.endpoint()
    changed = hooks.call("patch", f"/v1/webhooks/{endpoint['id']}",
                         json={"enabled": False, "event_types": ["invitation.sent", "invitation.sent"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["enabled"] is False and changed.json["event_types"] == ["invitation.sent"]
    assert hooks.call("delete", f"/v1/webhooks/{endpoint['id']}").status_code == 204
    assert hooks.call("get", f"/v1/webhooks/{endpoint['id']}").status_code == 404
    assert hooks.call("get", f"/v1/webhooks/{endpoint['id']}/deliveries").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://example.com/hook"}, "url"),
    ({"url": "https://user:pw@example.com/hook"}, "url"),
    ({"url": "http://10.0.0.8/hook"}, "url"),
    ({"url": "https://example.com/h", "event_types": ["response.deleted"]}, "event_types"),
    ({"url": "https://example.com/h", "event_types": ["webhook.test"]}, "event_types"),
    ({"url": "https://example.com/h", "event_types": []}, "event_types"),
    ({"url": "https://example.com/h", "secret": "whsec_mine"}, "secret"),
])
def test_bad_endpoints_are_refused_with_a_clear_422(hooks, body, field):
    reply = hooks.call("post", "/v1/webhooks", json=body)
    assert reply.status_code == 422, reply.json
    assert field in str(reply.json["errors"])
    assert hooks.call("get", "/v1/webhooks").json == []


def test_an_empty_patch_and_a_bad_url_patch_are_refused(hooks):
    endpoint = hooks.endpoint()
    assert hooks.call("patch", f"/v1/webhooks/{endpoint['id']}", json={}).status_code == 422
    reply = hooks.call("patch", f"/v1/webhooks/{endpoint['id']}", json={"url": "http://169.254.169.254/x"})
    assert reply.status_code == 422 and "url" in reply.json["errors"]


def test_only_admins_manage_endpoints(hooks):
    endpoint = hooks.endpoint()
    for role in ("marketer", "analyst", "ingest", "finance"):
        key = hooks.service.key_for(role)
        assert hooks.call("get", "/v1/webhooks", key=key).status_code == 403
        assert hooks.call("post", "/v1/webhooks", key=key, json={"url": hooks.receiver.url}).status_code == 403
        assert hooks.call("post", f"/v1/webhooks/{endpoint['id']}/rotate-secret", key=key,
                          json={}).status_code == 403
    assert hooks.service.client().get("/v1/webhooks").status_code == 401


def test_event_type_names_are_defined_once():
    assert EVENT_TYPES == tuple(kind.value for kind in SUBSCRIBABLE_EVENT_TYPES)
    assert WebhookEventType.TEST not in SUBSCRIBABLE_EVENT_TYPES
    assert set(EVENT_TYPES) == {"response.created", "response.updated", "response.completed",
                                "invitation.sent", "unsubscribe.created"}


def test_the_api_is_documented(hooks):
    spec = hooks.service.client().get("/openapi.json").json
    for path in ("/v1/webhooks", "/v1/webhooks/{endpoint_id}", "/v1/webhooks/{endpoint_id}/rotate-secret",
                 "/v1/webhooks/{endpoint_id}/deliveries", "/v1/webhooks/{endpoint_id}/replay",
                 "/v1/webhooks/{endpoint_id}/test",
                 "/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay"):
        assert path in spec["paths"], path
