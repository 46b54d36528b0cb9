"""The console's hand-over to the services: a signed statement of the person a request acts for.

The console calls the services with its own API key (role ``console``, which by itself may do
nothing) plus the header ``X-Cx-Acting-For``. The header names the person (console user id and role)
and an expiry, signed with HMAC-SHA256 under ``CX_CONSOLE_ACTOR_SECRET``, a secret only the console
and the services hold. A service that verifies it treats the request exactly as one made with an
API key of that role, owned by ``console-user:<id>``.

Format: ``v1.<base64url(JSON payload)>.<base64url(HMAC-SHA256 of "v1." + payload part)>``; payload
``{"uid": 12, "role": "team_lead", "exp": 1735689600}`` (exp in Unix seconds).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from shared.auth import Role

ACTOR_HEADER = "X-Cx-Acting-For"
ACTOR_VERSION = "v1"
# The roles a person can hold; the machine roles (ingest, service, console) cannot be acted for.
PERSON_ROLES: tuple[str, ...] = tuple(role.value for role in (Role.ADMIN, Role.MARKETER, Role.ANALYST,
                                                                Role.FINANCE, Role.TEAM_LEAD))
ACTOR_SUBJECT_PREFIX = "console-user:"
MAX_LIFETIME_SECONDS = 600  # a header valid for longer than this is refused, whatever it says
MAX_HEADER_LENGTH = 512


class ActorError(ValueError):
    """The acting-person header is missing, malformed, forged or expired (the reason says which)."""


@dataclass(frozen=True)
class Actor:
    """A console person a request acts for."""

    user_id: int
    role: str
    expires_at: int

    @property
    def subject(self) -> str:
        """The stable owner name of this person on every service (``console-user:<id>``)."""
        return f"{ACTOR_SUBJECT_PREFIX}{self.user_id}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signed_part: str) -> str:
    return _b64(hmac.new(secret.encode("utf-8"), signed_part.encode("ascii"), hashlib.sha256).digest())


def sign_actor(secret: str, *, user_id: int, role: str, expires_at: int) -> str:
    """The header value stating that a request acts for ``user_id`` with ``role`` until ``expires_at``."""
    if not secret:
        raise ValueError("the console actor secret is empty")
    if role not in PERSON_ROLES:
        raise ValueError(f"a console person cannot hold role {role!r}")
    payload = json.dumps({"uid": int(user_id), "role": role, "exp": int(expires_at)}, separators=(",", ":"))
    signed_part = f"{ACTOR_VERSION}.{_b64(payload.encode('utf-8'))}"
    return f"{signed_part}.{_signature(secret, signed_part)}"


def verify_actor(secret: str, header: str | None, *, now: float) -> Actor:
    """The person a header acts for; raises ``ActorError`` unless it is well formed, signed and current."""
    if not secret:
        raise ActorError("this service has no console actor secret (CX_CONSOLE_ACTOR_SECRET)")
    if not header:
        raise ActorError(f"a console key must name the person it acts for in {ACTOR_HEADER}")
    if len(header) > MAX_HEADER_LENGTH:
        raise ActorError(f"{ACTOR_HEADER} is too long")
    version, _, rest = header.partition(".")
    payload_part, _, signature = rest.partition(".")
    if version != ACTOR_VERSION or not payload_part or not signature:
        raise ActorError(f"{ACTOR_HEADER} is malformed")
    expected = _signature(secret, f"{version}.{payload_part}")
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
        raise ActorError(f"{ACTOR_HEADER} has a bad signature")
    try:
        payload = json.loads(_unb64(payload_part))
        user_id, role, expires_at = int(payload["uid"]), str(payload["role"]), int(payload["exp"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ActorError(f"{ACTOR_HEADER} is malformed") from None
    if role not in PERSON_ROLES or user_id <= 0:
        raise ActorError(f"{ACTOR_HEADER} names an unknown role or user")
    if expires_at <= now:
        raise ActorError(f"{ACTOR_HEADER} has expired")
    if expires_at > now + MAX_LIFETIME_SECONDS:
        raise ActorError(f"{ACTOR_HEADER} is valid for too long")
    return Actor(user_id=user_id, role=role, expires_at=expires_at)
