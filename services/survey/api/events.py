"""Journey event routes: one event, or a batch with a status per item."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey import events
from services.survey.api.context import limit_body, now
from services.survey.event_reads import recent_events, stored_event
from services.survey.triggers import get_trigger
from shared.contracts.events import (
    MAX_BATCH_BYTES,
    MAX_EVENT_BYTES,
    EventBatchResultSchema,
    EventBatchSchema,
    EventQueryArgsSchema,
    EventResultSchema,
    EventSchema,
    StoredEventSchema,
)
from shared.statuses import EventResultStatus

EVENT_READERS = ("marketer",)  # who may read stored events (personal data)

blp = ApiBlueprint("events", __name__, url_prefix="/v1", description="Journey events")
WRITERS = ("ingest",)


@blp.route("/events")
class Events(MethodView):
    @require_roles(*WRITERS)
    @limit_body(MAX_EVENT_BYTES)
    @blp.arguments(EventSchema)
    @blp.response(201, EventResultSchema)
    @blp.alt_response(200, schema=EventResultSchema, description="the same id and body was accepted before")
    def post(self, event):
        """Record one journey event (ingest); acknowledged means committed."""
        result = events.ingest_event(get_session(), event=event, now=now())
        reply = jsonify(result.reply())  # the EventResultSchema document, built directly (tested)
        if result.replayed:
            return reply, 200, {"Idempotent-Replayed": "true"}
        return reply, 201

    @require_roles(*EVENT_READERS)
    @blp.arguments(EventQueryArgsSchema, location="query")
    @blp.response(200, StoredEventSchema(many=True))
    def get(self, args):
        """The most recent events, by arrival, optionally of one type (or a trigger's type) or customer
        (marketer): personal data."""
        event_type = args.get("type")
        if "trigger_id" in args:
            event_type = get_trigger(get_session(), args["trigger_id"]).event_type
        found = recent_events(get_session(), event_type=event_type, customer_id=args.get("customer_id"),
                              limit=args["limit"])
        return [stored_event(event) for event in found]


@blp.route("/events/batch")
class EventBatch(MethodView):
    @require_roles(*WRITERS)
    @limit_body(MAX_BATCH_BYTES)
    @blp.arguments(EventBatchSchema)
    @blp.response(200, EventBatchResultSchema)
    def post(self, batch):
        """Record up to 500 events; each item gets its own status (ingest)."""
        result = events.ingest_batch(get_session(), raw_events=batch["events"], now=now())
        # Built directly rather than dumped item by item through the schema (same document, tested).
        totals = {status.value: result.count(status) for status in EventResultStatus}
        return jsonify({**totals, "results": [item.reply() for item in result.results]})
