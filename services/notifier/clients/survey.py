"""The survey service as the notifier sees it: the organisation's brand, for alert emails."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from shared.contracts.base import tolerant
from shared.contracts.brand import BrandSchema
from shared.http_client import RetryPolicy, ServiceCallError, ServiceClient

log = logging.getLogger("cxloop.notifier")


class SurveyClient:
    """HTTP client of survey with the service key; the brand is kept ``cache_seconds`` per process."""

    def __init__(self, base_url: str, *, api_key: str | None, timeout: float = 5.0, cache_seconds: float = 300.0,
                 transport=None) -> None:
        self._client = ServiceClient(base_url, api_key=api_key, timeout=timeout, transport=transport,
                                     retry=RetryPolicy(max_attempts=1), user_agent="cxloop-notifier")
        self._brand_schema = tolerant(BrandSchema)
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, dict[str, Any] | None] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config) -> "SurveyClient":
        """A client for the configured survey URL and service key."""
        return cls(config.SURVEY_URL, api_key=config.SERVICE_KEY, timeout=config.HTTP_TIMEOUT_SECONDS,
                   cache_seconds=config.BRAND_CACHE_SECONDS)

    def brand(self) -> dict[str, Any] | None:
        """``GET /v1/brand`` when an admin set one; None while none is set or survey cannot answer
        (an alert never waits for its decoration)."""
        with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < self._cache_seconds:
                return self._cached[1]
        try:
            reply = self._client.request("GET", "/v1/brand", reply_schema=self._brand_schema)
            brand = reply if reply.get("configured") else None
        except ServiceCallError as exc:
            log.warning("brand unavailable: %s", exc)
            brand = None
        with self._lock:
            self._cached = (time.monotonic(), brand)
        return brand

    def close(self) -> None:
        """Release connections."""
        self._client.close()
