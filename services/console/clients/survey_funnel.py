"""The survey service's funnel and drop-off endpoints as the survey summary uses them (mixed into
``SurveyClient``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.funnel import DropoffSchema, FunnelSchema


class FunnelCalls:
    """``GET /v1/surveys/{id}/funnel`` and ``GET /v1/surveys/{id}/dropoff``."""

    _funnel = tolerant(FunnelSchema)
    _dropoff = tolerant(DropoffSchema)

    call: Any  # ConsoleClient.call

    def funnel(self, person: Person, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
        """Of the invitations sent in [start, end): opened, started, completed, median time to complete."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/funnel",
                         params={"from": start.isoformat(), "to": end.isoformat()}, reply_schema=self._funnel)


    def dropoff(self, person: Person, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
        """Of the responses opened in [start, end), per question: reached, answered, left there."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/dropoff",
                         params={"from": start.isoformat(), "to": end.isoformat()}, reply_schema=self._dropoff)
