"""Contracts in: subscriptions of contractual customers, replaced by id."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.finance.contracts import store_contracts
from shared.contracts.finance import ContractBatchSchema, ContractReplySchema

contracts_blueprint = ApiBlueprint("contracts", __name__, url_prefix="/v1/contracts",
                                   description="Subscriptions of contractual customers")


@contracts_blueprint.before_request
def _body_limit() -> None:
    """10,000 contracts need more than the service's default body limit."""
    request.max_content_length = current_app.config["BATCH_MAX_BODY_BYTES"]


@contracts_blueprint.route("/batch")
class ContractBatch(MethodView):
    @require_roles("finance")
    @contracts_blueprint.arguments(ContractBatchSchema)
    @contracts_blueprint.response(200, ContractReplySchema)
    def post(self, batch):
        """Insert or replace up to 10,000 contracts by id (finance)."""
        stored = store_contracts(get_session(), contracts=batch["contracts"],
                                 now=current_app.extensions["clock"].now())
        return {"received": len(batch["contracts"]), "stored": stored}
