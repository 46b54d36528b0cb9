"""API keys and roles, framework-free.

A key looks like ``cx_<key id>_<secret>``. Only SHA-256 of the whole key is stored: the secret has
256 bits of entropy, so a slow password hash would add nothing but latency.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "cx"


class Role(str, enum.Enum):
    """The roles of the design; ``admin`` may do everything."""

    ADMIN = "admin"
    MARKETER = "marketer"
    ANALYST = "analyst"
    FINANCE = "finance"
    TEAM_LEAD = "team_lead"
    INGEST = "ingest"
    SERVICE = "service"
    # The web console's key: by itself it may do nothing; it acts for a person (shared.actor).
    CONSOLE = "console"


ROLE_NAMES: tuple[str, ...] = tuple(role.value for role in Role)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role and subject (owner name)."""

    key_id: str
    role: str
    subject: str

    def has_role(self, *roles: str) -> bool:
        """True if the principal is an admin or holds one of ``roles``."""
        return self.role == Role.ADMIN.value or self.role in roles


@dataclass(frozen=True)
class NewKey:
    """A freshly minted key: ``plaintext`` is shown once and never stored."""

    key_id: str
    plaintext: str
    key_hash: str


def hash_key(plaintext: str) -> str:
    """Hex SHA-256 of a key, the only form that is stored."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def mint_key() -> NewKey:
    """Create a new random key (id of 48 bits, secret of 256 bits)."""
    key_id = secrets.token_hex(6)
    plaintext = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    return NewKey(key_id=key_id, plaintext=plaintext, key_hash=hash_key(plaintext))


def parse_key_id(plaintext: str) -> str | None:
    """Return the key id embedded in a key, or None if the key is malformed."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1]


def parse_bearer(header: str | None) -> str | None:
    """Extract the token from an ``Authorization: Bearer <token>`` header value."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authorization_problem(header: str | None) -> str:
    """Why ``header`` carries no bearer token, in words for the caller (for the 401 message)."""
    if not header or not header.strip():
        return "missing API key: send 'Authorization: Bearer <key>'"
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        if not token.strip():  # a bare key, without any scheme
            return "the Authorization header lacks the 'Bearer' scheme: send 'Authorization: Bearer <key>'"
        # The scheme is not echoed: a mangled header may hold (part of) a key.
        return "unsupported authorization scheme; only 'Bearer' is accepted: send 'Authorization: Bearer <key>'"
    return "the Authorization header has the 'Bearer' scheme but no key: send 'Authorization: Bearer <key>'"


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
