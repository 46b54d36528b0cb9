"""Team leads may not scope subscriptions by personal attributes (the worker asks metrics with the
service key, so the limit holds when the subscription is saved); admins may."""

from __future__ import annotations

from tests.notifier.support import subscription_body
from tests.support import ADMIN_KEY, auth


def test_a_team_lead_may_not_group_or_filter_a_subscription_by_personal_attributes(notifier):
    lead = auth(notifier.key_for("team_lead", subject="kim"))
    grouped = notifier.http.post("/v1/subscriptions", json=subscription_body(scope={"group_by": ["attr.name"]}),
                                 headers=lead)
    assert grouped.status_code == 422 and "group_by" in grouped.json["errors"]["scope"], grouped.json
    filtered = notifier.http.post("/v1/subscriptions", headers=lead,
                                  json=subscription_body(scope={"segment": ["E-Mail:kim@example.com"]}))
    assert filtered.status_code == 422 and "segment" in filtered.json["errors"]["scope"]
    allowed = notifier.http.post("/v1/subscriptions", json=subscription_body(scope={"segment": ["region:Seoul"]}),
                                 headers=lead)
    assert allowed.status_code == 201, allowed.json
    path = f"/v1/subscriptions/{allowed.json['id']}"
    patched = notifier.http.patch(path, json={"scope": {"group_by": ["attr.phone"]}}, headers=lead)
    assert patched.status_code == 422
    assert notifier.http.get(path, headers=lead).json["scope"].get("group_by") in (None, [])
    admin = notifier.http.post("/v1/subscriptions", json=subscription_body(scope={"group_by": ["attr.name"]}),
                               headers=auth(ADMIN_KEY))
    assert admin.status_code == 201, admin.json
