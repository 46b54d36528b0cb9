"""What every console client shares: the console key, the signed acting-person header, errors a page can show.

A page never sees httpx: a client method either returns a reply loaded with a ``shared`` contract
(tolerantly: unknown fields dropped) or raises one of the two errors below, which name the service.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from marshmallow import Schema

from shared.actor import ACTOR_HEADER, sign_actor
from shared.http_client import (
    InvalidReplyError,
    RetryPolicy,
    ServiceClient,
    ServiceRejectedError,
    ServiceUnavailableError,
)


class Person(Protocol):
    """The signed-in person a call acts for (the console's ``User``)."""

    id: int
    role: str


class ConsoleServiceError(Exception):
    """Base of the errors a console client raises; ``service`` is survey, metrics or notifier."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message


class ServiceDownError(ConsoleServiceError):
    """The service did not answer (refused, timed out, 5xx) or answered outside its contract."""


@dataclass
class ServiceRefusedError(ConsoleServiceError):
    """The service answered 4xx: ``status``, its ``message`` and errors per field (``field_errors``)."""

    service: str
    status: int
    message: str
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.service, self.message)


def field_errors_of(errors: Any) -> dict[str, list[str]]:
    """The envelope's ``errors`` as field -> messages (webargs nests them under ``json``/``query``/``form``)."""
    if not isinstance(errors, Mapping):
        return {}
    for location in ("json", "query", "form"):
        if isinstance(errors.get(location), Mapping):
            errors = {**{k: v for k, v in errors.items() if k not in ("json", "query", "form")},
                      **errors[location]}
    flat: dict[str, list[str]] = {}
    for name, value in errors.items():
        if isinstance(value, list):
            flat[str(name)] = [str(item) for item in value if not isinstance(item, (dict, list))] or [str(value)]
        elif isinstance(value, Mapping):  # nested (a list item or sub-object): keep it readable
            for inner, messages in field_errors_of(value).items():
                flat[f"{name}.{inner}"] = messages
        else:
            flat[str(name)] = [str(value)]
    return flat


@dataclass(frozen=True)
class ClientSettings:
    """How the console reaches one service."""

    service: str
    base_url: str
    api_key: str | None
    actor_secret: str | None
    timeout: float = 5.0
    read_attempts: int = 2
    actor_lifetime: int = 120
    transport: httpx.BaseTransport | None = None


@contextmanager
def _console_errors(service: str) -> Iterator[None]:
    """The shared client's errors as the console's: a refusal (4xx) with its message and field errors,
    or the service down."""
    try:
        yield
    except ServiceRejectedError as error:
        body = error.body if isinstance(error.body, Mapping) else {}
        raise ServiceRefusedError(service, error.status_code, str(body.get("message") or error.body),
                                  field_errors_of(body.get("errors"))) from None
    except (ServiceUnavailableError, InvalidReplyError) as error:
        raise ServiceDownError(service, str(error)) from None


class ConsoleClient:
    """Calls one service for a person: console key plus ``X-Cx-Acting-For`` on every request.

    Reads (GET) are retried on 5xx and transport failures; writes are sent once, so a timeout never
    doubles a change. Subclasses add one method per endpoint a page needs.
    """

    def __init__(self, settings: ClientSettings) -> None:
        self.service = settings.service
        self.settings = settings
        common = {"api_key": settings.api_key, "timeout": settings.timeout, "transport": settings.transport,
                  "user_agent": "cxloop-console"}
        self._reads = ServiceClient(settings.base_url, retry=RetryPolicy(max_attempts=settings.read_attempts,
                                                                         base_delay=0.1, max_delay=1.0), **common)
        self._writes = ServiceClient(settings.base_url, retry=RetryPolicy(max_attempts=1), **common)

    def acting_for(self, person: Person) -> dict[str, str]:
        """The signed header naming ``person`` (valid for ``actor_lifetime`` seconds)."""
        if not self.settings.actor_secret:
            raise ServiceDownError(self.service, "the console has no CX_CONSOLE_ACTOR_SECRET")
        expires = int(time.time()) + self.settings.actor_lifetime
        return {ACTOR_HEADER: sign_actor(self.settings.actor_secret, user_id=person.id, role=person.role,
                                         expires_at=expires)}

    def call(self, person: Person, method: str, path: str, *, reply_schema: Schema | None = None,
             json: Any = None, params: Mapping[str, Any] | None = None, content: bytes | None = None,
             content_type: str | None = None) -> Any:
        """One request as ``person``; returns the loaded reply or raises a ``ConsoleServiceError``."""
        client = self._reads if method.upper() == "GET" else self._writes
        with _console_errors(self.service):
            return client.request(method, path, json=json, params=params, reply_schema=reply_schema,
                                  extra_headers=self.acting_for(person), content=content,
                                  content_type=content_type)

    def begin(self, person: Person, path: str, *, reply_schema: Schema | None = None,
              params: Mapping[str, Any] | None = None) -> Callable[[], Any]:
        """A read as ``person`` sent now (``ServiceClient.begin_get``); returns what gives its loaded reply
        or raises the ``ConsoleServiceError``, so the page can build its forms while the service answers."""
        with _console_errors(self.service):
            reply = self._reads.begin_get(path, params=params, reply_schema=reply_schema,
                                          extra_headers=self.acting_for(person))

        def finish() -> Any:
            with _console_errors(self.service):
                return reply()
        return finish

    def close(self) -> None:
        """Release the connection pools."""
        self._reads.close()
        self._writes.close()
