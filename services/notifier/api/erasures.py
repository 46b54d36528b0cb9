"""``POST /v1/erasures``: survey tells notifier to erase a customer's attributes (service)."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.erasure import erase_signal_attributes
from shared.contracts.erasure import ErasureResultSchema, ErasureSchema

erasures_blp = ApiBlueprint("erasures", __name__, url_prefix="/v1/erasures",
                            description="Erasure of personal data, from the survey service")


@erasures_blp.route("")
class Erasures(MethodView):
    @require_roles("service")
    @erasures_blp.arguments(ErasureSchema)
    @erasures_blp.response(200, ErasureResultSchema)
    def post(self, body):
        """Clear the attributes of the customer's stored signals; repeating it is harmless (service)."""
        changed = erase_signal_attributes(get_session(), customer_id=body["customer_id"],
                                          response_ids=body["response_ids"])
        return {"customer_id": body["customer_id"], "changed": changed}
