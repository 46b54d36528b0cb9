"""The HTTP client the services use to call each other.

Timeouts on every call; retries with exponential backoff and full jitter on 5xx, 429 and transport
failures only; an ``Idempotency-Key`` kept across retries; the caller's request id and the service key
on every request; replies loaded with the shared schemas, tolerant of unknown fields.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
from marshmallow import EXCLUDE, Schema, ValidationError

from shared.backoff import Backoff

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_WHEN_SENT: ContextVar[Callable[[], None] | None] = ContextVar("cx_when_sent", default=None)
_SENT_EVENT = "http11.send_request_body.complete"  # httpcore's trace: the whole request is on the wire


@contextmanager
def when_sent(callback: Callable[[], None]) -> Iterator[None]:
    """Within this block, call ``callback`` as soon as a request of this context has been written to the
    network, before its reply comes back (through httpx's ``trace`` extension; once per attempt).

    For a caller that hands a read to another thread and wants the request on its way before it goes
    on with work of its own, which would otherwise hold the interpreter while the read waits to send."""
    token = _WHEN_SENT.set(callback)
    try:
        yield
    finally:
        _WHEN_SENT.reset(token)


class ServiceCallError(Exception):
    """Base class of the client's errors."""


class ServiceUnavailableError(ServiceCallError):
    """The other service did not answer usefully after every retry (5xx, 429, timeout, refused)."""


@dataclass
class ServiceRejectedError(ServiceCallError):
    """The other service answered with a 4xx that retrying cannot fix."""

    status_code: int
    body: Any

    def __str__(self) -> str:
        return f"rejected with {self.status_code}: {self.body!r}"


class InvalidReplyError(ServiceCallError):
    """The reply did not match the shared contract."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: sleep U(0, min(cap, base * 2**attempt))."""

    max_attempts: int = 4
    base_delay: float = 0.2
    max_delay: float = 5.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        wait = Backoff(self.base_delay, self.max_delay, full_jitter=True).seconds(attempt + 1, rng)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class ServiceClient:
    """Calls one other cxloop service."""

    def __init__(self, base_url: str, *, api_key: str | None, timeout: float = 5.0,
                 retry: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None,
                 user_agent: str = "cxloop") -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"User-Agent": user_agent}, follow_redirects=False)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def request(self, method: str, path: str, *, json: Any = None,
                params: Mapping[str, Any] | None = None, idempotency_key: str | None = None,
                request_id: str | None = None, reply_schema: Schema | None = None,
                extra_headers: Mapping[str, str] | None = None, content: bytes | None = None,
                content_type: str | None = None) -> Any:
        """Send a request with retries and return the reply body, loaded with ``reply_schema`` if given.

        ``content`` sends raw bytes (an uploaded image) as ``content_type`` instead of a JSON body."""
        headers = {"Accept": "application/json", "X-Request-ID": request_id or uuid.uuid4().hex}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        headers.update(extra_headers or {})
        body: dict[str, Any] = {"json": json}
        if content is not None:
            body = {"content": content}
            headers["Content-Type"] = content_type or "application/octet-stream"
        response = self._send_with_retries(method, path, params=params, headers=headers, **body)
        if response.status_code >= 400:
            raise ServiceRejectedError(response.status_code, _body_of(response))
        body = _body_of(response)
        if reply_schema is None:
            return body
        try:
            return reply_schema.load(body, unknown=EXCLUDE)
        except ValidationError as exc:
            raise InvalidReplyError(f"{method} {path}: reply does not match contract: {exc.messages}") from exc

    def _send_with_retries(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        notify = _WHEN_SENT.get()
        if notify is not None:
            kwargs["extensions"] = {"trace": lambda event, _info: notify() if event == _SENT_EVENT else None}
        last_problem = "no attempt made"
        for attempt in range(self.retry.max_attempts):
            retry_after = None
            try:
                response = self._http.request(method, path, **kwargs)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                last_problem = f"HTTP {response.status_code}"
                retry_after = _retry_after_seconds(response)
            if attempt + 1 < self.retry.max_attempts:
                self._sleep(self.retry.delay(attempt, self._rng, retry_after))
        raise ServiceUnavailableError(f"{method} {self.base_url}{path} failed after "
                                      f"{self.retry.max_attempts} attempts: {last_problem}")

    def __enter__(self) -> "ServiceClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _body_of(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
