"""What an editor of triggers shows, in one read: the trigger, the surveys it can ask, the event types
seen, the contact rules and the recent events of the trigger's type.

The console's trigger editor needs all of them before it can show its form; asked one by one they
cost five round trips and five authentications of the same person. Each part is exactly what its own
endpoint answers (``GET /v1/triggers/{id}``, ``/v1/event-types``, ``/v1/contact-rules``,
``/v1/events``), read by the same functions under the same role rules.
"""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session, reads_without_transaction
from services.survey.api.contact_rules import contact_rules_reply
from services.survey.api.context import rules
from services.survey.api.events import EVENT_READERS
from services.survey.triggers import editor_view
from shared.contracts.triggers import TriggerEditorArgsSchema, TriggerEditorSchema

blp = ApiBlueprint("trigger_editor", __name__, url_prefix="/v1", description="Triggers at journey moments")


@blp.route("/trigger-editor")
class TriggerEditor(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(TriggerEditorArgsSchema, location="query")
    @blp.response(200, TriggerEditorSchema)
    def get(self, args):
        """What a trigger editor shows: every published survey (by name), the event types seen with their
        volume and last arrival, the contact rules in force; with ``trigger_id`` also that trigger, its
        survey whatever its status, and the latest events of its type for a dry run (those for marketers
        only: personal data) (marketer, analyst)."""
        session = get_session()
        reads_without_transaction(session)
        view = editor_view(session, trigger_id=args.get("trigger_id"), events_limit=args["events_limit"],
                           with_events=current_principal().has_role(*EVENT_READERS), configured=rules().policy)
        return {**view, "contact_rules": contact_rules_reply(view.pop("budget"))}
