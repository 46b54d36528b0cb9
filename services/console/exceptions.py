"""Domain errors of the console's use cases (no Flask)."""

from __future__ import annotations

from services.common.exceptions import ConflictError, DomainError, InvalidInputError, NotFoundError


def N_(message: str) -> str:
    """Mark a use-case message for the catalogue (extracted by ``make console-messages``); pages translate it."""
    return message


class UserNotFoundError(NotFoundError):
    """No person with that id (404)."""


class EmailTakenError(ConflictError):
    """Another person already signs in with that email (409)."""


class InvalidPersonError(InvalidInputError):
    """A person's details break a rule; ``field`` names the input it concerns."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, errors={field: [message]})
        self.field = field


class LastAdminError(DomainError):
    """The change would leave no active admin (409)."""

    status_code = 409
