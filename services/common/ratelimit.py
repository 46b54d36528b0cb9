"""Request rate limits: a token bucket per API key (``/v1``) or per client address (public pages),
and one per client address for failed authentications.

Buckets live in each process, so with W gunicorn workers a key may reach up to W times the limit
at once; the limit is a guard against runaway clients, not a billing meter (a shared limit would
need Redis or a database round trip on every request). Over the limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, g, request

from services.common.exceptions import DomainError

PUBLIC_PREFIXES = ("/r/", "/unsubscribe/")


class RateLimitedError(DomainError):
    """Too many requests (429); ``retry_after`` seconds until a token is free."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Token buckets refilled at ``per_minute / 60`` tokens a second, holding at most ``burst``."""

    def __init__(self, per_minute: float, burst: float, max_keys: int = 10_000) -> None:
        self.rate, self.burst, self.max_keys = per_minute / 60.0, max(1.0, burst), max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token; returns 0 if allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._buckets.clear()
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until ``key`` has a token again (0 if it has one), without taking it."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


class AuthFailureLimit:
    """Failed authentications per client address: each 401 takes a token; an address without
    tokens gets 429 before its key is even looked at, until they refill (0 per minute: off).

    Per process, like the other buckets. Behind a proxy every client shares its address, so there
    the limit holds for all of them together (set it higher, or terminate at a proxy that limits).
    """

    def __init__(self, per_minute: float, burst: float) -> None:
        self.enabled = per_minute > 0
        self.buckets = TokenBuckets(per_minute if self.enabled else 1.0, burst)

    def check(self, address: str) -> None:
        """Raise ``RateLimitedError`` while ``address`` has used up its failed attempts."""
        wait = self.buckets.wait(address) if self.enabled else 0.0
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimitedError(f"too many failed authentications from this address; retry in {seconds} s",
                                   retry_after=seconds)

    def failed(self, address: str) -> None:
        """Count one failed authentication of ``address``."""
        if self.enabled:
            self.buckets.take(address)


def init_rate_limits(app: Flask) -> None:
    """Limit ``/v1`` calls per key and public pages per client address (0 turns a limit off)."""
    config = app.config
    keyed = TokenBuckets(config["RATE_LIMIT_PER_MINUTE"], config["RATE_LIMIT_BURST"])
    public = TokenBuckets(config["PUBLIC_RATE_LIMIT_PER_MINUTE"], config["PUBLIC_RATE_LIMIT_BURST"])

    @app.before_request
    def _limit() -> None:
        principal = g.get("principal")
        if principal is not None:
            if config["RATE_LIMIT_PER_MINUTE"] <= 0 or principal.role == "service":
                return  # the services' own calls are paced by their outboxes
            wait, what = keyed.take(principal.key_id), "this API key"
        elif request.path.startswith(PUBLIC_PREFIXES) and config["PUBLIC_RATE_LIMIT_PER_MINUTE"] > 0:
            wait, what = public.take(request.remote_addr or "unknown"), "this address"
        else:
            return
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimitedError(f"too many requests from {what}; retry in {seconds} s", retry_after=seconds)
