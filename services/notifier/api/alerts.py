"""``GET /v1/alerts``: alert episodes and deliveries with their state.

Team leads see their own subscriptions' alerts, admins all. Analysts are not allowed: low-score
notices carry customer ids and comments (personal data), which analysts may not read.
"""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.alerts import list_alerts
from services.notifier.api.access import owner_filter
from shared.contracts.alerts import AlertListSchema, AlertQueryArgsSchema

alerts_blp = ApiBlueprint("alerts", __name__, url_prefix="/v1/alerts",
                          description="Alert episodes and deliveries")


@alerts_blp.route("")
class Alerts(MethodView):
    @require_roles("team_lead")
    @alerts_blp.arguments(AlertQueryArgsSchema, location="query")
    @alerts_blp.response(200, AlertListSchema)
    def get(self, args):
        """Newest episodes with their deliveries, and notices outside episodes."""
        return list_alerts(get_session(), owner=owner_filter(), subscription_id=args["subscription_id"],
                           state=args["state"], limit=args["limit"], before=args["before"])
