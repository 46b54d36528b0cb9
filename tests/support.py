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
