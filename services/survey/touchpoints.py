"""Use cases of the managed list of touchpoints (journey stages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from services.survey.exceptions import DuplicateTouchpointError, TouchpointInUseError, TouchpointNotFoundError
from services.survey.models import Survey, SurveyVersion, Touchpoint


def list_touchpoints(session: Session) -> list[Touchpoint]:
    """Every touchpoint, by key."""
    return list(session.scalars(select(Touchpoint).order_by(Touchpoint.key)))


def get_touchpoint(session: Session, key: str) -> Touchpoint:
    """The touchpoint with ``key`` (raises ``TouchpointNotFoundError``)."""
    touchpoint = session.get(Touchpoint, key)
    if touchpoint is None:
        raise TouchpointNotFoundError(f"no touchpoint '{key}'")
    return touchpoint


def create_touchpoint(session: Session, *, key: str, name: str, description: str | None,
                      now: datetime) -> Touchpoint:
    """Add a touchpoint."""
    if session.get(Touchpoint, key) is not None:
        raise DuplicateTouchpointError(f"touchpoint '{key}' exists")
    touchpoint = Touchpoint(key=key, name=name, description=description, created_at=now)
    session.add(touchpoint)
    session.commit()
    return touchpoint


def delete_touchpoint(session: Session, *, key: str) -> None:
    """Remove a touchpoint no survey or version uses."""
    touchpoint = get_touchpoint(session, key)
    used = session.scalar(select(exists().where(Survey.touchpoint == key))) or session.scalar(
        select(exists().where(SurveyVersion.touchpoint == key)))
    if used:
        raise TouchpointInUseError(f"touchpoint '{key}' is used by surveys")
    session.delete(touchpoint)
    session.commit()
