"""Domain errors: each carries the HTTP status it maps to; no Flask here."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of all use-case errors; the error handler turns it into the envelope."""

    status_code = 400
    retry_after: int | None = None  # seconds, for the Retry-After header (429, 503)

    def __init__(self, message: str, *, errors: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFoundError(DomainError):
    """An id that does not exist (404)."""

    status_code = 404


class ConflictError(DomainError):
    """A state conflict (409)."""

    status_code = 409


class InvalidInputError(DomainError):
    """Input that passed the schema but breaks a business rule (422)."""

    status_code = 422


class PayloadTooLargeError(DomainError):
    """Too much input (413)."""

    status_code = 413
