"""Domain errors of the notifier service; no Flask here."""

from __future__ import annotations

from services.common.exceptions import InvalidInputError, NotFoundError


class SubscriptionNotFoundError(NotFoundError):
    """No such subscription, or one the caller may not see (404 either way, so ids do not leak)."""


class UnsafeWebhookError(InvalidInputError):
    """A webhook URL that points at an internal or private address (422)."""
