"""Survey link tokens: 256-bit HMAC values derived from a server secret and a stored random nonce.

The database holds only the nonce and SHA-256 of the token, so a copy of the database alone
does not give working links; the worker re-derives the same token for the reminder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_nonce() -> str:
    """A fresh 128-bit random nonce (hex)."""
    return secrets.token_hex(16)


def derive_token(secret: str, nonce: str) -> str:
    """The link token of an invitation: base64url(HMAC-SHA256(secret, 'invitation:' + nonce))."""
    digest = hmac.new(secret.encode("utf-8"), b"invitation:" + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token, the form used for lookups."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
