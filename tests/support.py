"""Small helpers for tests (constants and header builders); fixtures live in conftest.py."""

from __future__ import annotations

import socket
from contextlib import contextmanager

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


class ConnectionAsEngine:
    """An engine stand-in on a test's connection (whose transaction is rolled back afterwards): ``begin``
    opens a savepoint, ``connect`` hands the connection itself, so relays and handlers see the test's rows."""

    def __init__(self, connection) -> None:
        self.connection = connection

    @contextmanager
    def begin(self):
        with self.connection.begin_nested():
            yield self.connection

    @contextmanager
    def connect(self):
        yield self.connection
