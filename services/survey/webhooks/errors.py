"""Errors of the response webhook use cases; each maps to an HTTP status."""

from __future__ import annotations

from services.common.exceptions import InvalidInputError, NotFoundError


class WebhookEndpointNotFoundError(NotFoundError):
    """No webhook endpoint with that id."""


class WebhookDeliveryNotFoundError(NotFoundError):
    """No delivery with that id on that endpoint."""


class InvalidWebhookEndpointError(InvalidInputError):
    """An endpoint that breaks a rule (an unsafe URL)."""
