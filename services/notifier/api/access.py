"""Who may see which subscriptions: team leads their own, admins all."""

from __future__ import annotations

from flask import current_app

from services.common.auth import current_principal


def owner_filter() -> str | None:
    """None for admins (everything), else the caller's key id (their own only).

    Ownership is the key id, a stable principal: the subject is free text that a second key can
    repeat, so it must not grant access to anything.
    """
    principal = current_principal()
    return None if principal.role == "admin" else principal.key_id


def now():
    """The app clock's current time."""
    return current_app.extensions["clock"].now()


def allow_loopback() -> bool:
    """Whether webhook URLs on loopback are accepted (``NOTIFIER_ALLOW_PRIVATE_WEBHOOKS=1``)."""
    return bool(current_app.config.get("ALLOW_PRIVATE_WEBHOOKS"))
