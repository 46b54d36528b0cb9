"""CLV holdout check: the purchase model fitted on a calibration period against a holdout period."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.finance.clv_holdout import check_holdout
from shared.contracts.clv_holdout import ClvHoldoutArgsSchema, ClvHoldoutReplySchema

clv_holdout_blueprint = ApiBlueprint("clv_holdout", __name__, url_prefix="/v1/clv",
                                     description="Holdout check of the CLV purchase model (BG/NBD)")


@clv_holdout_blueprint.route("/holdout")
class ClvHoldout(MethodView):
    @require_roles("finance", "analyst")
    @clv_holdout_blueprint.arguments(ClvHoldoutArgsSchema, location="query")
    @clv_holdout_blueprint.response(200, ClvHoldoutReplySchema)
    def get(self, args):
        """Fit BG/NBD on purchases up to ``calibration_end`` and compare, per number of calibration repeat
        purchases (0, 1, ..., 7+), the mean purchases customers made up to ``holdout_end`` with the mean
        conditional expectation (Fader, Hardie & Lee 2005, Figure 4); a read: nothing is stored.

        Runs at once on the stored transactions, under the same customer limit as an inline fit
        (`CLV_INLINE_MAX_CUSTOMERS`): a larger base is refused with 422 (choose a segment or currency)."""
        return check_holdout(get_session(), max_customers=current_app.config["CLV_INLINE_MAX_CUSTOMERS"], **args)
