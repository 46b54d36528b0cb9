"""Event type routes: which event types the service has seen, for the people who write triggers."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.event_reads import event_type_summaries
from shared.contracts.events import EventTypeSchema

blp = ApiBlueprint("event_types", __name__, url_prefix="/v1", description="Event types seen")


@blp.route("/event-types")
class EventTypes(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, EventTypeSchema(many=True))
    def get(self):
        """Every event type received, with its count and first and last arrival, latest first (marketer, analyst)."""
        return event_type_summaries(get_session())
