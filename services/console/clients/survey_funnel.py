"""The survey service's funnel endpoint as the survey summary uses it (mixed into ``SurveyClient``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.funnel import FunnelSchema


class FunnelCalls:
    """``GET /v1/surveys/{id}/funnel``."""

    _funnel = tolerant(FunnelSchema)

    call: Any  # ConsoleClient.call

    def funnel(self, person: Person, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
        """Of the invitations sent in [start, end): opened, started, completed, median time to complete."""
        return self.call(person, "GET", f"/v1/surveys/{survey_id}/funnel",
                         params={"from": start.isoformat(), "to": end.isoformat()}, reply_schema=self._funnel)

