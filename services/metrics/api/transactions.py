"""Transactions in: a JSON batch of up to 10,000 rows, or a streamed CSV file of any size."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.finance.transactions import add_transactions, import_transactions_csv
from shared.contracts.finance import IngestReplySchema, TransactionBatchSchema

WRITERS = ("finance", "service")  # service: survey forwards order events from CDPs
UNLIMITED = 1 << 62

transactions_blueprint = ApiBlueprint("transactions", __name__, url_prefix="/v1/transactions",
                                      description="Purchases and refunds of non-contractual customers")


@transactions_blueprint.before_request
def _body_limit() -> None:
    """The bulk routes take bigger bodies than the service default."""
    if request.path.endswith("/batch"):
        request.max_content_length = current_app.config["BATCH_MAX_BODY_BYTES"]
    elif request.path.endswith("/import"):
        request.max_content_length = current_app.config["IMPORT_MAX_BODY_BYTES"] or UNLIMITED


@transactions_blueprint.route("/batch")
class TransactionBatch(MethodView):
    @require_roles(*WRITERS)
    @transactions_blueprint.arguments(TransactionBatchSchema)
    @transactions_blueprint.response(200, IngestReplySchema)
    def post(self, batch):
        """Store up to 10,000 transactions; idempotent by id; any bad row rejects the batch (finance; service)."""
        result = add_transactions(get_session(), transactions=batch["transactions"],
                                  now=current_app.extensions["clock"].now())
        return result.__dict__


@transactions_blueprint.route("/import")
class TransactionImport(MethodView):
    @require_roles("finance")
    @transactions_blueprint.doc(requestBody={"required": True, "content": {"text/csv": {"schema": {
        "type": "string", "description": "header: id,customer_id,occurred_at,amount,currency[,segment][,...]"}}}})
    @transactions_blueprint.response(200, IngestReplySchema)
    def post(self):
        """Import a CSV file (streamed): all rows stored or none, problems by line number (finance)."""
        result = import_transactions_csv(get_session(), stream=request.stream,
                                         now=current_app.extensions["clock"].now())
        return result.__dict__
