"""Customer routes: contact record, unsubscribe, erasure, in-app pending surveys."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.survey import customers, invitations
from services.survey.api.context import now
from services.survey.journey import customer_journey
from shared.contracts.events import CustomerSchema
from shared.contracts.invitations import PendingSurveySchema, UnsubscribeReplySchema
from shared.contracts.journey import JourneyArgsSchema, JourneyPageSchema

#: Who may read a customer's journey: those who read responses and customers (admin, marketer, analyst).
JOURNEY_READERS = ("marketer", "analyst")

blp = ApiBlueprint("customers", __name__, url_prefix="/v1", description="Customers (contacts)")


@blp.route("/customers/<string:customer_id>")
class CustomerItem(MethodView):
    @require_roles("marketer")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """The customer's contact record: personal data (admin, marketer)."""
        return customers.get_customer(get_session(), customer_id)

    @require_roles()
    @blp.response(204)
    def delete(self, customer_id):
        """Erase the customer's personal data; anonymous answers stay (admin)."""
        customers.erase_customer(get_session(), customer_id=customer_id, now=now())


@blp.route("/customers/<string:customer_id>/journey")
class CustomerJourney(MethodView):
    @require_roles(*JOURNEY_READERS)
    @blp.arguments(JourneyArgsSchema, location="query")
    @blp.response(200, JourneyPageSchema)
    def get(self, args, customer_id):
        """The customer's journey in time order, in cursor pages (marketer, analyst): journey events,
        invitations with every contact decision and its reason (`outcome`: scheduled, postponed, sent,
        answered, skipped, cancelled, failed), responses, unsubscribe and erasure.

        Contact details and personal attributes (of the customer, events and responses; see
        `CX_PERSONAL_ATTRIBUTES`) only for roles with personal-data access (admin, marketer), as for
        `/v1/responses`; an analyst gets the same entries without them."""
        return customer_journey(get_session(), customer_id=customer_id, disclosure=request_disclosure(), **args)


@blp.route("/customers/<string:customer_id>/unsubscribe")
class CustomerUnsubscribe(MethodView):
    @require_roles("marketer", "ingest")
    @blp.response(200, UnsubscribeReplySchema)
    def post(self, customer_id):
        """Stop all surveys to the customer (marketer, ingest)."""
        customer, cancelled = customers.unsubscribe_customer(get_session(), customer_id=customer_id, now=now())
        return {"customer_id": customer.id, "unsubscribed_at": customer.unsubscribed_at,
                "cancelled_invitations": cancelled}


@blp.route("/customers/<string:customer_id>/pending-surveys")
class PendingSurveys(MethodView):
    @require_roles("ingest", "marketer")
    @blp.response(200, PendingSurveySchema(many=True))
    def get(self, customer_id):
        """In-app surveys the customer's app should show now (ingest, service, marketer)."""
        config = current_app.config
        return invitations.pending_surveys(get_session(), customer_id=customer_id, now=now(),
                                           public_base_url=config["PUBLIC_BASE_URL"],
                                           token_secret=config["TOKEN_SECRETS"])
