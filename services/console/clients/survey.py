"""The survey service as the console sees it.

Add a method per endpoint a page needs: build the path and query, call ``self.call`` with the shared
reply schema made tolerant, return plain data. Example: ``list_surveys``.
"""

from __future__ import annotations

from typing import Any

from services.console.clients.base import Person
from services.console.clients.customer_calls import JourneyCalls
from services.console.clients.platform import PlatformClient
from services.console.clients.survey_brand import BrandCalls
from services.console.clients.survey_design import SurveyDesignCalls
from services.console.clients.survey_funnel import FunnelCalls
from services.console.clients.survey_responses import ResponseCalls
from services.console.clients.survey_triggers import TriggerCalls
from shared.contracts.base import tolerant
from shared.contracts.surveys import SurveySchema


class SurveyClient(SurveyDesignCalls, TriggerCalls, FunnelCalls, JourneyCalls, ResponseCalls, BrandCalls,
                   PlatformClient):
    """Surveys, touchpoints, triggers, invitations and responses (survey service)."""

    _surveys = tolerant(SurveySchema, many=True)

    def list_surveys(self, person: Person, **filters: Any) -> list[dict[str, Any]]:
        """``GET /v1/surveys`` with the given filters (status, touchpoint, ...)."""
        params = {name: value for name, value in filters.items() if value not in (None, "")}
        return self.call(person, "GET", "/v1/surveys", params=params, reply_schema=self._surveys)
