"""``POST /v1/erasures``: survey tells metrics to erase a customer's attributes (service)."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.scores.erasure import erase_customer_copies
from shared.contracts.erasure import ErasureResultSchema, ErasureSchema

erasures_blp = ApiBlueprint("erasures", __name__, url_prefix="/v1/erasures",
                            description="Erasure of personal data, from the survey service")


@erasures_blp.route("")
class Erasures(MethodView):
    @require_roles("service")
    @erasures_blp.arguments(ErasureSchema)
    @erasures_blp.response(200, ErasureResultSchema)
    def post(self, body):
        """Clear the attributes held for the customer and the listed responses; repeating it is harmless (service)."""
        changed = erase_customer_copies(get_session(), customer_id=body["customer_id"],
                                        response_ids=body["response_ids"])
        return {"customer_id": body["customer_id"], "changed": changed}
