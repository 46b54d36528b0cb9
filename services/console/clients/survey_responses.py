"""The survey service's responses as the inbox reads and triages them (mixed into ``SurveyClient``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.responses import ResponseListedSchema, ResponsePageSchema
from shared.contracts.triage import BulkTriageReplySchema, ResponseNoteSchema, ResponseTriageSchema

EXPORT_PAGE = 1000


def _path(response_id: str) -> str:
    return f"/v1/responses/{quote(response_id, safe='')}"


class ResponseCalls:
    """``GET /v1/responses`` (filters, pages), one response, its triage and notes, bulk triage."""

    _page = tolerant(ResponsePageSchema)
    _response = tolerant(ResponseListedSchema)
    _triage = tolerant(ResponseTriageSchema)
    _note = tolerant(ResponseNoteSchema)
    _bulk = tolerant(BulkTriageReplySchema)
    call: Any  # ConsoleClient.call

    def list_responses(self, person: Person, params: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        """One page of responses with the given filters, and the cursor of the next page."""
        page = self.call(person, "GET", "/v1/responses", params=dict(params), reply_schema=self._page)
        return page["responses"], page["next_cursor"]

    def every_response(self, person: Person, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every response the filters match, page after page (an export: no row limit)."""
        cursor = params.get("cursor")  # where an earlier page stopped, or the start
        while True:
            page, cursor = self.list_responses(person, {**params, "limit": EXPORT_PAGE, "cursor": cursor})
            yield from page
            if not cursor:
                return

    def get_response(self, person: Person, response_id: str) -> dict[str, Any]:
        """One response with its triage and notes."""
        return self.call(person, "GET", _path(response_id), reply_schema=self._response)

    def change_triage(self, person: Person, response_id: str, change: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /v1/responses/{id}/triage``: the response's triage afterwards."""
        return self.call(person, "PATCH", f"{_path(response_id)}/triage", json=dict(change), reply_schema=self._triage)

    def bulk_triage(self, person: Person, response_ids: Sequence[str], change: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/responses/triage``: how many changed and the ids that matched nothing."""
        return self.call(person, "POST", "/v1/responses/triage", json={**change, "response_ids": list(response_ids)},
                         reply_schema=self._bulk)

    def add_note(self, person: Person, response_id: str, text: str) -> dict[str, Any]:
        """``POST /v1/responses/{id}/notes``."""
        return self.call(person, "POST", f"{_path(response_id)}/notes", json={"text": text}, reply_schema=self._note)
