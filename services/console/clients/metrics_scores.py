"""The metrics endpoints the dashboards read (mixed into ``MetricsClient``): scores, comparisons, the
interval of a rate, and the comments' keywords."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.estimates import EstimateSchema
from shared.contracts.scores import CompareReplySchema, ScoresReplySchema
from shared.contracts.voc import KeywordReplySchema


def _params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters without empty values; lists become comma lists except ``segment`` (repeated)."""
    present: dict[str, Any] = {}
    for name, value in params.items():
        if value in (None, "", [], ()):
            continue
        if isinstance(value, (list, tuple)) and name != "segment":
            value = ",".join(str(item) for item in value)
        present[name] = value
    return present


class ScoreCalls:
    """``GET /v1/scores``, ``GET /v1/scores/compare`` and ``GET /v1/estimates/proportion``."""

    _scores = tolerant(ScoresReplySchema)
    _compare = tolerant(CompareReplySchema)
    _estimate = tolerant(EstimateSchema)
    _keywords = tolerant(KeywordReplySchema)

    call: Any  # ConsoleClient.call

    def scores(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """Scores per group with intervals (and series when grouped by period)."""
        return self.call(person, "GET", "/v1/scores", params=_params(params), reply_schema=self._scores)

    def compare(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """The current window against the previous one, per group, with difference, interval and p-value."""
        return self.call(person, "GET", "/v1/scores/compare", params=_params(params), reply_schema=self._compare)

    def proportion(self, person: Person, *, successes: int, trials: int) -> dict[str, Any]:
        """A rate in percent with its Wilson interval (metrics owns every statistic)."""
        return self.call(person, "GET", "/v1/estimates/proportion",
                         params={"successes": successes, "trials": trials}, reply_schema=self._estimate)

    def keywords(self, person: Person, params: Mapping[str, Any]) -> dict[str, Any]:
        """The comments' top keywords of a range with their shares, the rising ones, and example comments."""
        return self.call(person, "GET", "/v1/voc/keywords", params=_params(params), reply_schema=self._keywords)
