"""The survey service's design endpoints as the console's survey pages use them (mixed into ``SurveyClient``)."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.survey_previews import PreviewLinkSchema, SurveyEditorSchema, SurveyVersionSummarySchema
from shared.contracts.surveys import SurveySchema, SurveyVersionSchema, TouchpointSchema


class SurveyDesignCalls:
    """Surveys, their versions, touchpoints and preview links (``/v1/surveys``, ``/v1/touchpoints``)."""

    _survey = tolerant(SurveySchema)
    _version = tolerant(SurveyVersionSchema)
    _versions = tolerant(SurveyVersionSummarySchema, many=True)
    _touchpoints = tolerant(TouchpointSchema, many=True)
    _preview = tolerant(PreviewLinkSchema)
    _survey_editor = tolerant(SurveyEditorSchema)

    call: Any  # ConsoleClient.call

    def get_survey(self, person: Person, survey_id: int) -> dict[str, Any]:
        """``GET /v1/surveys/{id}``: the survey with its draft and live version number."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}", reply_schema=self._survey)

    def create_survey(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/surveys``: a new draft."""
        return self.call(person, "POST", "/v1/surveys", json=body, reply_schema=self._survey)

    def update_survey(self, person: Person, survey_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /v1/surveys/{id}``: changes go to the draft (a live version never changes)."""
        return self.call(person, "PATCH", f"/v1/surveys/{survey_id}", json=changes, reply_schema=self._survey)

    def publish_survey(self, person: Person, survey_id: int) -> dict[str, Any]:
        """``POST /v1/surveys/{id}/publish``: the draft becomes the next immutable version."""
        return self.call(person, "POST", f"/v1/surveys/{survey_id}/publish", reply_schema=self._version)

    def get_version(self, person: Person, survey_id: int, version: int) -> dict[str, Any]:
        """``GET /v1/surveys/{id}/versions/{v}``: one published version."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/versions/{version}", reply_schema=self._version)

    def survey_editor(self, person: Person, survey_id: int) -> dict[str, Any]:
        """``GET /v1/surveys/{id}/editor``: the survey, its live version (None if never published), its version
        history and the touchpoints, in one read."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/editor", reply_schema=self._survey_editor)

    def list_versions(self, person: Person, survey_id: int) -> list[dict[str, Any]]:
        """``GET /v1/surveys/{id}/versions``: the version history, newest first."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/versions", reply_schema=self._versions)

    def list_touchpoints(self, person: Person) -> list[dict[str, Any]]:
        """``GET /v1/touchpoints``: the journey touchpoints a survey is tagged with."""
        return self.call(person, "GET", "/v1/touchpoints", reply_schema=self._touchpoints)

    def preview_link(self, person: Person, survey_id: int, *, version: int | None = None,
                     frame_ancestor: str | None = None) -> dict[str, Any]:
        """``GET /v1/surveys/{id}/preview-link``: a signed link to the response page that records nothing."""
        params = {name: value for name, value in (("version", version), ("frame_ancestor", frame_ancestor))
                  if value is not None}
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/preview-link", params=params,
                         reply_schema=self._preview)
