"""``POST /v1/signals``: low-score responses from survey, for close-the-loop notices."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.api.access import now
from services.notifier.signals import store_signal
from shared.contracts.signals import SignalResultSchema, SignalSchema

signals_blp = ApiBlueprint("signals", __name__, url_prefix="/v1/signals",
                           description="Low-score signals from the survey service")


@signals_blp.route("")
class Signals(MethodView):
    @require_roles("service")
    @signals_blp.arguments(SignalSchema)
    @signals_blp.response(200, SignalResultSchema)
    def post(self, body):
        """Store a low-score signal once per response id, open its case and notify matching subscriptions."""
        status = store_signal(get_session(), body, now=now(), case_target_hours=current_app.config["CASE_TARGET_HOURS"],
                              console_url=current_app.config.get("CONSOLE_URL"))
        return {"response_id": body["response_id"], "status": status}
