"""Trigger routes: link event types to published surveys; preview a trigger on a sample event."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey import matching, triggers
from services.survey.api.context import now, rules
from shared.contracts.triggers import (
    PreviewResultSchema,
    TriggerCreateSchema,
    TriggerPreviewSchema,
    TriggerQueryArgsSchema,
    TriggerSchema,
    TriggerUpdateSchema,
)

blp = ApiBlueprint("triggers", __name__, url_prefix="/v1", description="Triggers at journey moments")


def _allow_private() -> bool:
    return bool(current_app.config["ALLOW_PRIVATE_WEBHOOKS"])


@blp.route("/triggers")
class Triggers(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(TriggerQueryArgsSchema, location="query")
    @blp.response(200, TriggerSchema(many=True))
    def get(self, args):
        """List triggers (marketer, analyst)."""
        return triggers.list_triggers(get_session(), **args)

    @require_roles("marketer")
    @blp.arguments(TriggerCreateSchema)
    @blp.response(201, TriggerSchema)
    def post(self, fields):
        """Create a trigger for a published survey (marketer)."""
        return triggers.create_trigger(get_session(), fields=fields, now=now(),
                                       allow_private_webhooks=_allow_private())


@blp.route("/triggers/<int:trigger_id>")
class TriggerItem(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, TriggerSchema)
    def get(self, trigger_id):
        """One trigger (marketer, analyst)."""
        return triggers.get_trigger(get_session(), trigger_id)

    @require_roles("marketer")
    @blp.arguments(TriggerUpdateSchema)
    @blp.response(200, TriggerSchema)
    def patch(self, changes, trigger_id):
        """Change a trigger, e.g. switch it off with active=false (marketer)."""
        return triggers.update_trigger(get_session(), trigger_id=trigger_id, changes=changes, now=now(),
                                       allow_private_webhooks=_allow_private())


@blp.route("/triggers/<int:trigger_id>/preview")
class TriggerPreview(MethodView):
    @require_roles("marketer")
    @blp.arguments(TriggerPreviewSchema)
    @blp.response(200, PreviewResultSchema)
    def post(self, body, trigger_id):
        """Would this event fire the trigger, when would it send, what stops it? Writes nothing (marketer)."""
        trigger = triggers.get_trigger(get_session(), trigger_id)
        plan = matching.preview_trigger(get_session(), trigger_id=trigger_id, event=body["event"], now=now(),
                                        rules=rules())
        return {"would_fire": plan.fire, "would_send": plan.will_send,
                "send_at": plan.due_at if plan.will_send else None, "expires_at": plan.expires_at,
                "channel": trigger.channel, "language": plan.language, "stopped_by": plan.stopped_by,
                "reason": plan.reason, "postponed_by": plan.postponed_by, "conditions": plan.conditions,
                "last_sent_at": plan.last_sent_at, "recontact_days": plan.recontact_days}
