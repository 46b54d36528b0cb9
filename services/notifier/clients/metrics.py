"""The metrics service as the notifier sees it: comparisons, trends and rising keywords."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.contracts.base import tolerant
from shared.contracts.scores import CompareReplySchema, ScoresReplySchema
from shared.contracts.voc import KeywordReplySchema
from shared.http_client import RetryPolicy, ServiceClient


class MetricsApi(Protocol):
    """What evaluation needs from metrics (the HTTP client below, or a fake in tests)."""

    def compare(self, params: dict[str, Any]) -> dict[str, Any]: ...

    def trend(self, params: dict[str, Any]) -> dict[str, Any]: ...

    def keywords(self, params: dict[str, Any]) -> dict[str, Any]: ...


def _duration(window: timedelta) -> str:
    hours = int(window.total_seconds() // 3600)
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"


def scope_params(scope: dict[str, Any]) -> dict[str, Any]:
    """The scope's filters as query parameters (lists become repeated parameters)."""
    params: dict[str, Any] = {}
    for name in ("touchpoint", "survey", "channel", "question", "dimension", "driver"):
        if scope.get(name):
            params[name] = ",".join(scope[name])
    if scope.get("segment"):
        params["segment"] = list(scope["segment"])
    if scope.get("group_by"):
        params["group_by"] = ",".join(scope["group_by"])
    return params


def compare_params(*, metric: str, scope: dict[str, Any], window: timedelta, end: datetime,
                   baseline: str, baseline_windows: int, alpha: float, confidence: float,
                   volume_of: str | None = None) -> dict[str, Any]:
    """Query of ``/v1/scores/compare`` for one decided window (``volume_of`` with ``metric=volume``)."""
    counted = {"volume_of": volume_of} if volume_of is not None else {}
    return {"metric": metric, **counted, "window": _duration(window), "end": end.isoformat(), "baseline": baseline,
            "baseline_windows": baseline_windows, "alternative": "less", "test": "pooled", "alpha": alpha,
            "confidence": confidence, "min_n": 0, **scope_params(scope)}


class MetricsClient:
    """HTTP client of metrics with the service key, timeouts and bounded retries."""

    def __init__(self, base_url: str, *, api_key: str | None, timeout: float = 10.0, attempts: int = 3,
                 transport=None) -> None:
        self._client = ServiceClient(base_url, api_key=api_key, timeout=timeout, transport=transport,
                                     retry=RetryPolicy(max_attempts=attempts), user_agent="cxloop-notifier")
        self._compare = tolerant(CompareReplySchema)
        self._scores = tolerant(ScoresReplySchema)
        self._keywords = tolerant(KeywordReplySchema)

    @classmethod
    def from_config(cls, config) -> "MetricsClient":
        """A client for the configured metrics URL and service key."""
        return cls(config.METRICS_URL, api_key=config.SERVICE_KEY, timeout=config.METRICS_TIMEOUT_SECONDS,
                   attempts=config.METRICS_ATTEMPTS)

    def compare(self, params: dict[str, Any]) -> dict[str, Any]:
        """``GET /v1/scores/compare``."""
        return self._client.request("GET", "/v1/scores/compare", params=params, reply_schema=self._compare)

    def trend(self, params: dict[str, Any]) -> dict[str, Any]:
        """``GET /v1/scores`` grouped by period."""
        return self._client.request("GET", "/v1/scores", params=params, reply_schema=self._scores)

    def keywords(self, params: dict[str, Any]) -> dict[str, Any]:
        """``GET /v1/voc/keywords``."""
        return self._client.request("GET", "/v1/voc/keywords", params=params, reply_schema=self._keywords)

    def close(self) -> None:
        """Release connections."""
        self._client.close()
