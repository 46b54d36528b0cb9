"""Small helpers for tests (constants and header builders); fixtures live in conftest.py."""

from __future__ import annotations

import socket

ADMIN_KEY = "test-admin-key-0123456789"
SERVICES = ("survey", "metrics", "notifier")


def auth(key: str) -> dict[str, str]:
    """The Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def verified(secret: str, headers, body: bytes) -> bool:
    """Whether a webhook is signed with ``secret``, checked by the Standard Webhooks reference library."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    from shared.webhook_signing import standard_secret

    try:
        Webhook(standard_secret(secret)).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError:
        return False
    return True
