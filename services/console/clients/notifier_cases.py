"""Notifier's close-the-loop cases and playbooks as the console's case and playbook pages use them
(``CaseCalls`` is mixed into ``NotifierClient``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.cases import CaseListSchema, CaseSchema, PlaybookListSchema, PlaybookSchema


def _case(case_id: int) -> str:
    return f"/v1/cases/{int(case_id)}"


def _playbook(playbook_id: str) -> str:
    return f"/v1/playbooks/{quote(str(playbook_id), safe='')}"


class CaseCalls:
    """``/v1/cases`` (list, one, acknowledge, assign, notes, resolve, reopen) and ``/v1/playbooks``."""

    _cases = tolerant(CaseListSchema)
    _case_reply = tolerant(CaseSchema)
    _playbooks = tolerant(PlaybookListSchema)
    _playbook_reply = tolerant(PlaybookSchema)
    call: Any  # ConsoleClient.call

    def list_cases(self, person: Person, *, view: str, status: str | None = None, customer_id: str | None = None,
                   limit: int = 25, cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the cases of a view (mine, team, unassigned, overdue, all) the person may see, and the
        cursor of the next page."""
        params = {name: value for name, value in (("view", view), ("status", status), ("customer_id", customer_id),
                                                  ("limit", limit), ("cursor", cursor)) if value not in (None, "")}
        page = self.call(person, "GET", "/v1/cases", params=params, reply_schema=self._cases)
        return page["items"], page.get("next_cursor")

    def get_case(self, person: Person, case_id: int) -> dict[str, Any]:
        """One case (404 when it is unknown or outside the person's reach)."""
        return self.call(person, "GET", _case(case_id), reply_schema=self._case_reply)

    def acknowledge_case(self, person: Person, case_id: int) -> dict[str, Any]:
        """``POST /v1/cases/{id}/acknowledge``: the case afterwards (409 when it is not open)."""
        return self.call(person, "POST", f"{_case(case_id)}/acknowledge", reply_schema=self._case_reply)

    def assign_case(self, person: Person, case_id: int, assignee: dict[str, Any] | None) -> dict[str, Any]:
        """``POST /v1/cases/{id}/assign``: give the case to ``assignee`` (None: to nobody)."""
        return self.call(person, "POST", f"{_case(case_id)}/assign", json={"assignee": assignee},
                         reply_schema=self._case_reply)

    def add_case_note(self, person: Person, case_id: int, text: str) -> dict[str, Any]:
        """``POST /v1/cases/{id}/notes``."""
        return self.call(person, "POST", f"{_case(case_id)}/notes", json={"text": text}, reply_schema=self._case_reply)

    def resolve_case(self, person: Person, case_id: int, *, outcome: str, note: str | None = None) -> dict[str, Any]:
        """``POST /v1/cases/{id}/resolve`` with an outcome and an optional note."""
        body: dict[str, Any] = {"outcome": outcome}
        if note:
            body["note"] = note
        return self.call(person, "POST", f"{_case(case_id)}/resolve", json=body, reply_schema=self._case_reply)

    def reopen_case(self, person: Person, case_id: int) -> dict[str, Any]:
        """``POST /v1/cases/{id}/reopen``."""
        return self.call(person, "POST", f"{_case(case_id)}/reopen", reply_schema=self._case_reply)

    def list_playbooks(self, person: Person) -> list[dict[str, Any]]:
        """Every playbook (admins, marketers; team leads read them)."""
        return self.call(person, "GET", "/v1/playbooks", reply_schema=self._playbooks)["items"]

    def get_playbook(self, person: Person, playbook_id: str) -> dict[str, Any]:
        """One playbook."""
        return self.call(person, "GET", _playbook(playbook_id), reply_schema=self._playbook_reply)

    def create_playbook(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/playbooks`` (409 when the touchpoint and segment already have one)."""
        return self.call(person, "POST", "/v1/playbooks", json=body, reply_schema=self._playbook_reply)

    def update_playbook(self, person: Person, playbook_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /v1/playbooks/{id}``: the whole playbook."""
        return self.call(person, "PUT", _playbook(playbook_id), json=body, reply_schema=self._playbook_reply)

    def delete_playbook(self, person: Person, playbook_id: str) -> None:
        """``DELETE /v1/playbooks/{id}``."""
        self.call(person, "DELETE", _playbook(playbook_id))
