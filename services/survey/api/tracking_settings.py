"""Settings of the tracking API: event name mappings (marketers) and source options (admins)."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.api.context import now
from services.survey.tracking.mappings import delete_mapping, list_mappings, put_mapping
from services.survey.tracking.sources import get_source, put_source
from shared.contracts.tracking import (
    EventMappingQueryArgsSchema,
    EventMappingReplySchema,
    EventMappingSchema,
    TrackingSourceReplySchema,
    TrackingSourceSchema,
)

blp = ApiBlueprint("tracking_settings", __name__, url_prefix="/v1/tracking",
                   description="Event name mappings and source options of the Segment-compatible tracking API")


def _mapping_reply(mapping) -> dict:
    return {"event": mapping.event, "type": mapping.type, "updated_at": mapping.updated_at}


@blp.route("/mappings")
class EventMappings(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, EventMappingReplySchema(many=True))
    def get(self):
        """Every event name mapping (marketer, analyst); unmapped names keep their own name as the type
        when valid, else lower case with other characters as '_' ('Order Shipped' -> 'order_shipped')."""
        return [_mapping_reply(mapping) for mapping in list_mappings(get_session())]

    @require_roles("marketer")
    @blp.arguments(EventMappingSchema)
    @blp.response(200, EventMappingReplySchema)
    def put(self, body):
        """Map a track call's event name to a journey event type, replacing any earlier mapping (marketer);
        applies to events received from now on."""
        mapping = put_mapping(get_session(), event=body["event"], event_type=body["type"], now=now(),
                              by=current_principal().subject)
        return _mapping_reply(mapping)

    @require_roles("marketer")
    @blp.arguments(EventMappingQueryArgsSchema, location="query")
    @blp.response(204)
    def delete(self, args):
        """Remove the mapping of an event name (marketer); 404 when there is none."""
        delete_mapping(get_session(), event=args["event"])


@blp.route("/sources/<string:key_id>")
class TrackingSources(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, TrackingSourceReplySchema)
    def get(self, key_id):
        """The options of the source whose write key (an ingest key) has this id (marketer, analyst)."""
        return get_source(get_session(), key_id).reply()

    @require_roles()
    @blp.arguments(TrackingSourceSchema)
    @blp.response(200, TrackingSourceReplySchema)
    def put(self, body, key_id):
        """Set a source's options (admin): whether order events become transactions, the default
        currency, and the shared secret of Segment's Webhooks (Actions) destination. All of them are
        replaced: an option left out takes its default (a left-out secret turns the receiving path off)."""
        return put_source(get_session(), key_id=key_id, record_transactions=body["record_transactions"],
                          default_currency=body["default_currency"], webhook_secret=body["webhook_secret"],
                          now=now(), by=current_principal().subject).reply()
