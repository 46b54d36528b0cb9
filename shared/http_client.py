"""The HTTP client the services use to call each other.

Timeouts on every call; retries with exponential backoff and full jitter on 5xx, 429 and transport
failures only; an ``Idempotency-Key`` kept across retries; the caller's request id and the service key
on every request; replies loaded with the shared schemas, tolerant of unknown fields.
"""

from __future__ import annotations

import http.client
import json as jsonlib
import random
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from marshmallow import EXCLUDE, Schema, ValidationError

from shared.backoff import Backoff

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


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


def _retry_after_seconds(response: httpx.Response | http.client.HTTPResponse) -> float | None:
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
        self._timeout, self._user_agent = timeout, user_agent
        parts = urlsplit(self.base_url)
        proxied = any(name in ("http", "all") for name in urllib.request.getproxies_environment())
        self._plain = (transport is None and parts.scheme == "http" and parts.hostname is not None
                       and not proxied)  # what begin_get can send itself
        self._host, self._port, self._prefix = parts.hostname or "", parts.port or 80, parts.path.rstrip("/")

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
        headers = self._headers(method, request_id, idempotency_key, extra_headers)
        body: dict[str, Any] = {"json": json}
        if content is not None:
            body = {"content": content}
            headers["Content-Type"] = content_type or "application/octet-stream"
        response = self._send_with_retries(method, path, params=params, headers=headers, **body)
        if response.status_code >= 400:
            raise ServiceRejectedError(response.status_code, _body_of(response))
        return self._loaded(method, path, _body_of(response), reply_schema)

    def begin_get(self, path: str, *, params: Mapping[str, Any] | None = None, reply_schema: Schema | None = None,
                  extra_headers: Mapping[str, str] | None = None,
                  request_id: str | None = None) -> Callable[[], Any]:
        """Send ``GET path`` now and return what reads its reply, which returns and raises what
        :meth:`request` does: the caller does its own work on the same thread while the other service
        answers (no thread to hand the read to). A first attempt that fails (refused, timed out, 5xx,
        429) goes on as :meth:`request`'s later attempts. Over plain HTTP without a proxy; otherwise (a
        test transport, https, a proxy from the environment) the whole request is made here, at once."""
        request_id = request_id or uuid.uuid4().hex
        if not self._plain:
            outcome = _outcome_of(lambda: self.request("GET", path, params=params, reply_schema=reply_schema,
                                                       extra_headers=extra_headers, request_id=request_id))
            return outcome
        headers = {"User-Agent": self._user_agent, **self._headers("GET", request_id, None, extra_headers)}
        query = str(httpx.QueryParams(params)) if params else ""  # encoded as request() encodes them
        target = f"{self._prefix}{path}{'?' + query if query else ''}"
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.request("GET", target, headers=headers)
        except OSError as exc:  # refused, unreachable, or timed out while sending
            connection.close()
            problem = f"{type(exc).__name__}: {exc}"
            return lambda: self._later_attempts(path, params, headers, reply_schema, problem, None)

        def reply() -> Any:
            try:
                response = connection.getresponse()
                status, raw = response.status, response.read()
                retry_after = _retry_after_seconds(response)
            except (OSError, http.client.HTTPException) as exc:
                return self._later_attempts(path, params, headers, reply_schema, f"{type(exc).__name__}: {exc}",
                                            None)
            finally:
                connection.close()
            if status in RETRYABLE_STATUS:
                return self._later_attempts(path, params, headers, reply_schema, f"HTTP {status}", retry_after)
            body = _json_or_text(raw)
            if status >= 400:
                raise ServiceRejectedError(status, body)
            return self._loaded("GET", path, body, reply_schema)
        return reply

    def _later_attempts(self, path: str, params: Mapping[str, Any] | None, headers: dict[str, str],
                        reply_schema: Schema | None, problem: str, retry_after: float | None) -> Any:
        """The attempts after a failed first one of :meth:`begin_get`, as :meth:`request` makes them."""
        response = self._send_with_retries("GET", path, params=params, headers=headers, attempts_made=1,
                                           last_problem=problem, retry_after=retry_after)
        if response.status_code >= 400:
            raise ServiceRejectedError(response.status_code, _body_of(response))
        return self._loaded("GET", path, _body_of(response), reply_schema)

    def _headers(self, method: str, request_id: str | None, idempotency_key: str | None,
                 extra_headers: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "X-Request-ID": request_id or uuid.uuid4().hex}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        headers.update(extra_headers or {})
        return headers

    @staticmethod
    def _loaded(method: str, path: str, body: Any, reply_schema: Schema | None) -> Any:
        if reply_schema is None:
            return body
        try:
            return reply_schema.load(body, unknown=EXCLUDE)
        except ValidationError as exc:
            raise InvalidReplyError(f"{method} {path}: reply does not match contract: {exc.messages}") from exc

    def _send_with_retries(self, method: str, path: str, *, attempts_made: int = 0,
                           last_problem: str = "no attempt made", retry_after: float | None = None,
                           **kwargs: Any) -> httpx.Response:
        if 0 < attempts_made < self.retry.max_attempts:  # going on after attempts made elsewhere
            self._sleep(self.retry.delay(attempts_made - 1, self._rng, retry_after))
        for attempt in range(attempts_made, self.retry.max_attempts):
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


def _outcome_of(call: Callable[[], Any]) -> Callable[[], Any]:
    """Make ``call`` now; return what gives its value or raises its error."""
    try:
        value = call()
    except ServiceCallError as error:
        failure = error  # the name after "as" ends with the except block

        def raises() -> Any:
            raise failure
        return raises
    return lambda: value


def _json_or_text(raw: bytes) -> Any:
    """A reply body: its JSON, else its text, else None when empty (both ways of sending read it so)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return jsonlib.loads(text)
    except ValueError:
        return text


def _body_of(response: httpx.Response) -> Any:
    return _json_or_text(response.content)
