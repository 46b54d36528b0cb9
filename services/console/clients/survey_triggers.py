"""The survey service's trigger and send-log endpoints as the console's trigger and invitation pages
use them (mixed into ``SurveyClient``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.invitations import InvitationDetailSchema, InvitationSchema
from shared.contracts.triggers import ContactRulesSchema, PreviewResultSchema, TriggerEditorSchema, TriggerSchema


def _present(filters: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in filters.items() if value not in (None, "")}


class TriggerCalls:
    """Triggers, their dry run, event types and recent events, contact rules, invitations."""

    _trigger = tolerant(TriggerSchema)
    _triggers = tolerant(TriggerSchema, many=True)
    _preview_result = tolerant(PreviewResultSchema)
    _contact_rules = tolerant(ContactRulesSchema)
    _trigger_editor = tolerant(TriggerEditorSchema)
    _invitations = tolerant(InvitationSchema, many=True)
    _invitation = tolerant(InvitationDetailSchema)

    call: Any  # ConsoleClient.call

    def list_triggers(self, person: Person, **filters: Any) -> list[dict[str, Any]]:
        """``GET /v1/triggers`` (survey_id, event_type, active), newest first."""
        return self.call(person, "GET", "/v1/triggers", params=_present(filters), reply_schema=self._triggers)

    def create_trigger(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/triggers`` (marketer)."""
        return self.call(person, "POST", "/v1/triggers", json=body, reply_schema=self._trigger)

    def update_trigger(self, person: Person, trigger_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /v1/triggers/{id}`` (marketer)."""
        return self.call(person, "PATCH", f"/v1/triggers/{trigger_id}", json=changes, reply_schema=self._trigger)

    def preview_trigger(self, person: Person, trigger_id: int, event: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/triggers/{id}/preview``: the decision on ``event``; nothing is written (marketer)."""
        return self.call(person, "POST", f"/v1/triggers/{trigger_id}/preview", json={"event": event},
                         reply_schema=self._preview_result)

    def trigger_editor(self, person: Person, *, trigger_id: int | None = None,
                       events_limit: int = 10) -> dict[str, Any]:
        """``GET /v1/trigger-editor``: published surveys, event types seen and contact rules, with ``trigger_id``
        also the trigger, its survey and the recent events of its type (null when the role may not read
        events), in one read."""
        return self.call(person, "GET", "/v1/trigger-editor",
                         params=_present({"trigger_id": trigger_id, "events_limit": events_limit}),
                         reply_schema=self._trigger_editor)

    def begin_trigger_editor(self, person: Person, *, trigger_id: int,
                             events_limit: int = 10) -> Callable[[], dict[str, Any]]:
        """:meth:`trigger_editor` for a stored trigger, sent now; returns what gives its reply (or raises)."""
        return self.begin(person, "/v1/trigger-editor", reply_schema=self._trigger_editor,
                          params={"trigger_id": trigger_id, "events_limit": events_limit})

    def contact_rules(self, person: Person) -> dict[str, Any]:
        """``GET /v1/contact-rules``: the contact budget and the default time zone."""
        return self.call(person, "GET", "/v1/contact-rules", reply_schema=self._contact_rules)

    def set_contact_budget(self, person: Person, *, max_contacts: int, days: int) -> dict[str, Any]:
        """``PUT /v1/contact-rules``: the budget in force from now on (admin)."""
        return self.call(person, "PUT", "/v1/contact-rules", json={"budget_max_contacts": max_contacts,
                                                                  "budget_days": days},
                         reply_schema=self._contact_rules)

    def forget_contact_budget(self, person: Person) -> dict[str, Any]:
        """``DELETE /v1/contact-rules``: the configured budget applies again (admin)."""
        return self.call(person, "DELETE", "/v1/contact-rules", reply_schema=self._contact_rules)

    def list_invitations(self, person: Person, **filters: Any) -> list[dict[str, Any]]:
        """``GET /v1/invitations`` (customer_id, survey_id, trigger_id, status, limit, offset), newest first."""
        return self.call(person, "GET", "/v1/invitations", params=_present(filters), reply_schema=self._invitations)

    def get_invitation(self, person: Person, invitation_id: int) -> dict[str, Any]:
        """``GET /v1/invitations/{id}`` with every decision and its reason."""
        return self.call(person, "GET", f"/v1/invitations/{invitation_id}", reply_schema=self._invitation)
