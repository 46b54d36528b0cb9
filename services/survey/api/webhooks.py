"""Response webhook routes: endpoints customers' systems register, the delivery log, replays, tests.

Admins only: an endpoint receives every response's answers, and its URL makes cxloop call out.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.api.context import now
from services.survey.webhooks import deliveries, endpoints
from shared.contracts.webhooks import (
    WebhookDeliveryDetailSchema,
    WebhookDeliveryQueryArgsSchema,
    WebhookDeliverySchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointSchema,
    WebhookEndpointUpdateSchema,
    WebhookEndpointWithSecretSchema,
    WebhookReplayReplySchema,
    WebhookReplaySchema,
    WebhookSecretRotateSchema,
)

blp = ApiBlueprint("webhooks", __name__, url_prefix="/v1",
                   description="Response webhooks: endpoints that receive responses, invitations and "
                               "unsubscribes as they happen, signed by Standard Webhooks")


def _allow_private() -> bool:
    return bool(current_app.config["ALLOW_PRIVATE_WEBHOOKS"])


@blp.route("/webhooks")
class Endpoints(MethodView):
    @require_roles()
    @blp.response(200, WebhookEndpointSchema(many=True))
    def get(self):
        """List webhook endpoints (admin)."""
        return endpoints.list_endpoints(get_session())

    @require_roles()
    @blp.arguments(WebhookEndpointCreateSchema)
    @blp.response(201, WebhookEndpointWithSecretSchema)
    def post(self, fields):
        """Register an endpoint; the reply holds its whsec_ secret, shown this once (admin)."""
        endpoint, _secret = endpoints.create_endpoint(get_session(), fields=fields, now=now(),
                                                      allow_private=_allow_private())
        return endpoint


@blp.route("/webhooks/<int:endpoint_id>")
class EndpointItem(MethodView):
    @require_roles()
    @blp.response(200, WebhookEndpointSchema)
    def get(self, endpoint_id):
        """One endpoint, without its secret (admin)."""
        return endpoints.get_endpoint(get_session(), endpoint_id)

    @require_roles()
    @blp.arguments(WebhookEndpointUpdateSchema)
    @blp.response(200, WebhookEndpointSchema)
    def patch(self, changes, endpoint_id):
        """Change the URL, description or event filter; enabled=false stops sending (admin)."""
        return endpoints.update_endpoint(get_session(), endpoint_id=endpoint_id, changes=changes, now=now(),
                                         allow_private=_allow_private())

    @require_roles()
    @blp.response(204)
    def delete(self, endpoint_id):
        """Delete an endpoint and its delivery log (admin)."""
        endpoints.delete_endpoint(get_session(), endpoint_id=endpoint_id)


@blp.route("/webhooks/<int:endpoint_id>/rotate-secret")
class RotateSecret(MethodView):
    @require_roles()
    @blp.arguments(WebhookSecretRotateSchema)
    @blp.response(200, WebhookEndpointWithSecretSchema)
    def post(self, body, endpoint_id):
        """A new secret, shown this once; the old one still signs for overlap_hours (admin)."""
        hours = body["overlap_hours"]
        if hours is None:
            hours = current_app.config["WEBHOOK_ROTATION_OVERLAP_HOURS"]
        endpoint, _secret = endpoints.rotate_secret(get_session(), endpoint_id=endpoint_id,
                                                    overlap=timedelta(hours=hours), now=now())
        return endpoint


@blp.route("/webhooks/<int:endpoint_id>/test")
class TestSend(MethodView):
    @require_roles()
    @blp.response(202, WebhookDeliverySchema)
    def post(self, endpoint_id):
        """Queue a webhook.test event to the endpoint; its outcome shows in the delivery log (admin)."""
        return deliveries.send_test(get_session(), endpoint_id=endpoint_id, now=now())


@blp.route("/webhooks/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @require_roles()
    @blp.arguments(WebhookDeliveryQueryArgsSchema, location="query")
    @blp.response(200, WebhookDeliverySchema(many=True))
    def get(self, args, endpoint_id):
        """The endpoint's delivery log, newest first: status, attempts, response code, last error (admin)."""
        return deliveries.list_deliveries(get_session(), endpoint_id=endpoint_id, **args)


@blp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>")
class DeliveryItem(MethodView):
    @require_roles()
    @blp.response(200, WebhookDeliveryDetailSchema)
    def get(self, endpoint_id, delivery_id):
        """One delivery with the body the endpoint receives (admin)."""
        return deliveries.delivery_detail(get_session(), endpoint_id=endpoint_id, delivery_id=delivery_id)


@blp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
class ReplayOne(MethodView):
    @require_roles()
    @blp.response(202, WebhookDeliverySchema)
    def post(self, endpoint_id, delivery_id):
        """Send a delivery's event again, as a new delivery with the same webhook-id (admin)."""
        return deliveries.replay_delivery(get_session(), endpoint_id=endpoint_id, delivery_id=delivery_id,
                                          now=now())


@blp.route("/webhooks/<int:endpoint_id>/replay")
class ReplaySince(MethodView):
    @require_roles()
    @blp.arguments(WebhookReplaySchema)
    @blp.response(202, WebhookReplayReplySchema)
    def post(self, body, endpoint_id):
        """Send again the deliveries created since a time: the failed ones, or all (admin; 1,000 per call)."""
        queued = deliveries.replay_since(get_session(), endpoint_id=endpoint_id, since=body["since"],
                                         status=body["status"], now=now())
        return {"replayed": len(queued), "deliveries": [delivery.id for delivery in queued]}
