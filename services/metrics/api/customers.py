"""One customer's value: ``GET /v1/customers/{id}/summary`` (transactions, contracts, CLV, P(alive))."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.metrics.api.clv import READERS as CLV_READERS
from services.metrics.customer_summary import customer_summary
from shared.contracts.journey import CustomerSummaryArgsSchema, CustomerSummarySchema

customers_blp = ApiBlueprint("customers", __name__, url_prefix="/v1/customers",
                             description="One customer's transactions, contracts and value")


@customers_blp.route("/<string:customer_id>/summary")
class CustomerSummary(MethodView):
    @require_roles(*CLV_READERS)
    @customers_blp.arguments(CustomerSummaryArgsSchema, location="query")
    @customers_blp.response(200, CustomerSummarySchema)
    def get(self, args, customer_id):
        """The customer's transaction totals per currency, a page of transactions (newest first), every
        contract, and CLV with probability alive and intervals (finance, analyst; as ``/v1/clv/customers``).

        A customer metrics has no money data for gets empty lists, and ``clv`` null with
        ``clv_unavailable`` saying why (also when no CLV fit exists yet). Personal attributes of
        transactions and contracts (`CX_PERSONAL_ATTRIBUTES`) only for roles with personal-data access."""
        return customer_summary(get_session(), customer_id=customer_id, now=current_app.extensions["clock"].now(),
                                disclosure=request_disclosure(), n_draws=current_app.config["CLV_DRAWS"], **args)
