"""The one signed-webhook scheme of every cxloop webhook: Standard Webhooks (standardwebhooks.com).

Each POST carries ``webhook-id`` (the same on every retry of one message, so receivers deduplicate),
``webhook-timestamp`` (Unix seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256(key,
"<id>.<timestamp>.<body>")>``. The key is the secret's bytes: a secret written ``whsec_<base64>`` is
decoded, any other secret is taken as its UTF-8 bytes. ``standard_secret`` gives the ``whsec_`` form
to hand to a Standard Webhooks library on the receiving side.

During a secret rotation a message is signed with every live secret: ``webhook-signature`` then
carries space-separated ``v1,...`` values, and a receiver holding either the old or the new secret
verifies (the specification's rule). ``generate_secret`` makes the ``whsec_`` secrets cxloop hands out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random_secrets
from collections.abc import Sequence

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def _key(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX):] + "==")
        except (binascii.Error, ValueError):
            pass
    return secret.encode("utf-8")


def standard_secret(secret: str) -> str:
    """The ``whsec_<base64>`` form of ``secret`` that Standard Webhooks libraries take."""
    return secret if secret.startswith(PREFIX) else PREFIX + base64.b64encode(_key(secret)).decode("ascii")


def generate_secret() -> str:
    """A new random ``whsec_`` secret (32 bytes, base64)."""
    return PREFIX + base64.b64encode(random_secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of ``body`` sent as message ``message_id`` at ``timestamp``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode("ascii")


def signed_headers(secret: str | Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of one delivery attempt.

    ``secret`` may be several secrets (current first, then those still valid during a rotation):
    the message is signed with each, in that order, once per distinct secret.
    """
    keys = [secret] if isinstance(secret, str) else list(dict.fromkeys(s for s in secret if s))
    if not keys:
        raise ValueError("no webhook secret to sign with")
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(key, message_id, timestamp, body) for key in keys)}


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float,
           tolerance: float = TOLERANCE_SECONDS) -> bool:
    """Whether the headers sign ``body`` with ``secret`` at a time within ``tolerance`` of ``now``."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id, stamp = lowered.get("webhook-id", ""), lowered.get("webhook-timestamp", "")
    if not message_id or not stamp.isascii() or not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    expected = signature(secret, message_id, int(stamp), body)
    return any(hmac.compare_digest(expected, given) for given in lowered.get("webhook-signature", "").split())
