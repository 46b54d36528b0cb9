"""``/v1/subscriptions``: team leads manage their own alert subscriptions; admins all."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.notifier.api.access import allow_loopback, now, owner_filter
from services.notifier.notices import queue_notice
from services.notifier.samples import sample_notice
from services.notifier.subscriptions import (
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
    update_subscription,
)
from shared.contracts.alerts import (
    SubscriptionCreateSchema,
    SubscriptionListSchema,
    SubscriptionPatchSchema,
    SubscriptionQueryArgsSchema,
    SubscriptionSchema,
    TestSendResultSchema,
)

subscriptions_blp = ApiBlueprint("subscriptions", __name__, url_prefix="/v1/subscriptions",
                                 description="Score-drop, threshold and low-score alert subscriptions")


@subscriptions_blp.route("")
class Subscriptions(MethodView):
    @require_roles("team_lead")
    @subscriptions_blp.arguments(SubscriptionCreateSchema)
    @subscriptions_blp.response(201, SubscriptionSchema)
    def post(self, body):
        """Create a subscription owned by the caller's key id (admins may name another key id)."""
        principal = current_principal()
        owner = body.pop("owner", None) if principal.role == "admin" else None
        body.pop("owner", None)
        return create_subscription(get_session(), body, owner=owner or principal.key_id, now=now(),
                                   allow_loopback=allow_loopback(), disclosure=request_disclosure())

    @require_roles("team_lead")
    @subscriptions_blp.arguments(SubscriptionQueryArgsSchema, location="query")
    @subscriptions_blp.response(200, SubscriptionListSchema)
    def get(self, args):
        """The caller's subscriptions (admins: everyone's, or one owner's)."""
        owner = owner_filter() or args["owner"]
        return {"items": list_subscriptions(get_session(), owner=owner, limit=args["limit"],
                                            offset=args["offset"])}


@subscriptions_blp.route("/<subscription_id>")
class SubscriptionItem(MethodView):
    @require_roles("team_lead")
    @subscriptions_blp.response(200, SubscriptionSchema)
    def get(self, subscription_id):
        """One subscription (404 if it is someone else's)."""
        return get_subscription(get_session(), subscription_id, owner=owner_filter())

    @require_roles("team_lead")
    @subscriptions_blp.arguments(SubscriptionPatchSchema)
    @subscriptions_blp.response(200, SubscriptionSchema)
    def patch(self, body, subscription_id):
        """Change a subscription; a new rule or scope is evaluated afresh."""
        return update_subscription(get_session(), subscription_id, body, owner=owner_filter(), now=now(),
                                   allow_loopback=allow_loopback(), disclosure=request_disclosure())

    @require_roles("team_lead")
    @subscriptions_blp.response(204)
    def delete(self, subscription_id):
        """Delete a subscription with its alert history."""
        delete_subscription(get_session(), subscription_id, owner=owner_filter())


@subscriptions_blp.route("/<subscription_id>/test")
class SubscriptionTest(MethodView):
    @require_roles("team_lead")
    @subscriptions_blp.response(202, TestSendResultSchema)
    def post(self, subscription_id):
        """Send a sample alert of the subscription's own metric through every channel now (queued; the
        worker delivers within seconds)."""
        session = get_session()
        subscription = get_subscription(session, subscription_id, owner=owner_filter())
        deliveries = queue_notice(session, subscription, sample_notice(subscription, now=now()), kind="test",
                                  key=f"test:{subscription.id}:{uuid.uuid4().hex}", now=now())
        session.commit()
        return {"deliveries": [{"id": d.id, "subscription_id": d.subscription_id, "episode_id": None,
                                "kind": d.kind, "channel_type": d.channel_type, "target": d.target,
                                "status": "pending", "attempts": 0, "last_error": None,
                                "created_at": d.created_at, "delivered_at": None} for d in deliveries]}
