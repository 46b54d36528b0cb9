"""Domain errors of the survey service; each maps to an HTTP status."""

from __future__ import annotations

from services.common.exceptions import ConflictError, InvalidInputError, NotFoundError


class SurveyNotFoundError(NotFoundError):
    """No survey with that id."""


class SurveyVersionNotFoundError(NotFoundError):
    """No such published version."""


class TouchpointNotFoundError(NotFoundError):
    """No touchpoint with that key."""


class TriggerNotFoundError(NotFoundError):
    """No trigger with that id."""


class CustomerNotFoundError(NotFoundError):
    """No customer with that id."""


class InvitationNotFoundError(NotFoundError):
    """No invitation with that id (or link token)."""


class SurveyStateError(ConflictError):
    """The survey's state does not allow this (e.g. publishing without a draft)."""


class TouchpointInUseError(ConflictError):
    """A touchpoint that surveys still use cannot be deleted."""


class DuplicateTouchpointError(ConflictError):
    """A touchpoint with that key exists."""


class InvalidSurveyError(InvalidInputError):
    """A survey definition that breaks a rule (missing translation, duplicate keys, ...)."""


class InvalidTriggerError(InvalidInputError):
    """A trigger that breaks a rule (unpublished survey, unsafe webhook URL, ...)."""


class EventIdReusedError(InvalidInputError):
    """An event id already accepted with a different body (422)."""
