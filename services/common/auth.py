"""Bearer-key authentication for every ``/v1`` route and per-route role checks."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from services.common.db import get_session
from services.common.exceptions import DomainError
from services.common.keys import authenticate
from services.common.ratelimit import AuthFailureLimit
from shared.actor import ACTOR_HEADER, ActorError, verify_actor
from shared.auth import Principal, Role, authorization_problem, parse_bearer, same_secret

F = TypeVar("F", bound=Callable[..., Any])
CACHE_SECONDS = 30.0


class UnauthenticatedError(DomainError):
    """No key, or a key that is unknown or revoked (401)."""

    status_code = 401


class ForbiddenError(DomainError):
    """A valid key whose role may not do this (403)."""

    status_code = 403


class _KeyCache:
    """Recently verified keys, so a hot endpoint does not look its key up on every request.

    A revoked key stops working everywhere within ``CACHE_SECONDS``.
    """

    def __init__(self, ttl: float = CACHE_SECONDS, size: int = 1024) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry and entry[0] > time.monotonic():
            return entry[1]
        return None

    def put(self, token: str, principal: Principal) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[token] = (time.monotonic() + self.ttl, principal)


def init_auth(app: Flask, tables) -> None:
    """Require a valid key on every ``/v1`` path; the view then checks the role."""
    cache = _KeyCache(ttl=0.0 if app.config.get("TESTING") else CACHE_SECONDS)
    failures = AuthFailureLimit(app.config["AUTH_FAILURE_LIMIT_PER_MINUTE"], app.config["AUTH_FAILURE_LIMIT_BURST"])

    @app.before_request
    def _authenticate() -> None:
        if not request.path.startswith("/v1/") and request.path != "/v1":
            return
        address = request.remote_addr or "unknown"
        failures.check(address)  # 429 while this address has used up its failed attempts
        header = request.headers.get("Authorization")
        reader = _credential_reader(app, request.path)
        try:
            credential = reader() if reader is not None else parse_bearer(header)
        except UnauthenticatedError:
            failures.failed(address)
            raise
        if isinstance(credential, Principal):  # the reader verified the caller itself (a signature)
            g.principal = credential
            return
        token = credential
        if token is None:
            failures.failed(address)
            raise UnauthenticatedError(authorization_problem(header))
        principal = _principal_for(token, cache, tables)
        if principal is None:
            failures.failed(address)
            raise UnauthenticatedError("invalid or revoked API key")
        if principal.role == Role.CONSOLE.value:  # the console acts for a person: that person's role
            principal = _acting_person(address, failures)
        g.principal = principal


# Reads the credential of a request some other way than a Bearer header: returns the key (then
# checked as any key), a Principal it verified itself, or None (401); may raise UnauthenticatedError.
CredentialReader = Callable[[], "str | Principal | None"]


def add_credential_reader(app: Flask, matches: Callable[[str], bool], reader: CredentialReader) -> None:
    """Let a service read the key of the paths ``matches`` accepts with ``reader`` (e.g. HTTP Basic)."""
    app.extensions.setdefault("cx_credential_readers", []).append((matches, reader))


def _credential_reader(app: Flask, path: str) -> CredentialReader | None:
    for matches, reader in app.extensions.get("cx_credential_readers", ()):
        if matches(path):
            return reader
    return None


def _acting_person(address: str, failures: AuthFailureLimit) -> Principal:
    """The person a console request acts for (``shared.actor``), or 401 if the header does not verify."""
    try:
        actor = verify_actor(current_app.config.get("CONSOLE_ACTOR_SECRET") or "",
                             request.headers.get(ACTOR_HEADER), now=time.time())
    except ActorError as error:
        failures.failed(address)
        raise UnauthenticatedError(str(error)) from None
    return Principal(key_id=actor.subject, role=actor.role, subject=actor.subject)


def _principal_for(token: str, cache: _KeyCache, tables) -> Principal | None:
    admin_key = current_app.config.get("ADMIN_KEY")
    if admin_key and same_secret(token, admin_key):
        return Principal(key_id="env-admin", role=Role.ADMIN.value, subject="admin")
    console_key = current_app.config.get("CONSOLE_KEY")
    if console_key and same_secret(token, console_key):
        return Principal(key_id="env-console", role=Role.CONSOLE.value, subject="console")
    cached = cache.get(token)
    if cached is not None:
        return cached
    principal = authenticate(get_session(), token, tables=tables)
    if principal is not None:
        cache.put(token, principal)
    return principal


def current_principal() -> Principal:
    """The authenticated caller of this request."""
    return g.principal


def require_roles(*roles: str) -> Callable[[F], F]:
    """Allow the view only to admins and the given roles (403 otherwise)."""
    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal: Principal | None = g.get("principal")
            if principal is None:
                raise UnauthenticatedError("missing API key: send 'Authorization: Bearer <key>'")
            if not principal.has_role(*roles):
                allowed = ", ".join(("admin",) + roles)
                raise ForbiddenError(f"role '{principal.role}' may not do this; allowed: {allowed}")
            return view(*args, **kwargs)
        wrapper._cx_roles = ("admin",) + roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return decorator
