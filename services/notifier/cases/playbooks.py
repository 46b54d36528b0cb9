"""Playbooks: what to do for a touchpoint (optionally one customer segment), how soon, and who by default.

One per (touchpoint, segment). A signal takes the playbook of its touchpoint and a segment its customer
is in (segments matched as subscriptions match them, ``segments.segment_matches``), else the playbook of
its touchpoint alone.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError, NotFoundError
from services.notifier.models.cases import Playbook
from services.notifier.segments import segment_matches


class PlaybookNotFoundError(NotFoundError):
    """No such playbook (404)."""


class DuplicatePlaybookError(ConflictError):
    """A playbook for this touchpoint and segment exists already (409)."""


def stored_person(person: dict[str, Any] | None) -> dict[str, Any] | None:
    """A person as cases and playbooks keep them: the fields given (an unset language left out)."""
    return {key: value for key, value in (person or {}).items() if value is not None} or None


def _match_key(touchpoint: str, segment: str | None) -> str:
    return f"{touchpoint}|{segment or ''}"


def playbook_copy(playbook: Playbook) -> dict[str, Any]:
    """What a case keeps of its playbook (JSON): what to do, how soon, who by default."""
    return {"id": playbook.id, "touchpoint": playbook.touchpoint, "segment": playbook.segment,
            "instruction": dict(playbook.instruction), "target_hours": playbook.target_hours,
            "default_assignee": playbook.default_assignee}


def playbook_dict(playbook: Playbook) -> dict[str, Any]:
    """The playbook as the API returns it."""
    return {**playbook_copy(playbook), "created_at": playbook.created_at, "updated_at": playbook.updated_at}


def _taken(session: Session, key: str, *, other_than: str | None = None) -> bool:
    query = select(Playbook.id).where(Playbook.match_key == key)
    if other_than is not None:
        query = query.where(Playbook.id != other_than)
    return session.scalar(query) is not None


def _duplicate(data: dict[str, Any]) -> DuplicatePlaybookError:
    where = f"{data['touchpoint']!r}" + (f" and segment {data['segment']!r}" if data.get("segment") else "")
    return DuplicatePlaybookError(f"a playbook for touchpoint {where} exists already",
                                  errors={"touchpoint": ["a playbook for this touchpoint and segment exists"]})


def _commit_unique(session: Session, data: dict[str, Any]) -> None:
    try:
        session.commit()
    except IntegrityError as exc:  # the same (touchpoint, segment) written concurrently
        session.rollback()
        raise _duplicate(data) from exc


def create_playbook(session: Session, data: dict[str, Any], *, actor: str, now: datetime) -> Playbook:
    """Store a playbook; 409 when its touchpoint and segment have one already."""
    key = _match_key(data["touchpoint"], data.get("segment"))
    if _taken(session, key):
        raise _duplicate(data)
    playbook = Playbook(id=uuid.uuid4().hex, touchpoint=data["touchpoint"], segment=data.get("segment"),
                        match_key=key, instruction=dict(data["instruction"]), target_hours=data["target_hours"],
                        default_assignee=stored_person(data.get("default_assignee")), updated_by=actor, created_at=now,
                        updated_at=now)
    session.add(playbook)
    _commit_unique(session, data)
    return playbook


def list_playbooks(session: Session) -> list[Playbook]:
    """Every playbook, by touchpoint, the touchpoint's own before its segments."""
    return list(session.scalars(select(Playbook).order_by(Playbook.touchpoint, Playbook.match_key)))


def get_playbook(session: Session, playbook_id: str) -> Playbook:
    """The playbook (404 when there is none)."""
    playbook = session.get(Playbook, playbook_id)
    if playbook is None:
        raise PlaybookNotFoundError(f"no playbook {playbook_id!r}")
    return playbook


def replace_playbook(session: Session, playbook_id: str, data: dict[str, Any], *, actor: str,
                     now: datetime) -> Playbook:
    """Replace every field of a playbook; cases opened before keep the copy they took."""
    playbook = get_playbook(session, playbook_id)
    key = _match_key(data["touchpoint"], data.get("segment"))
    if _taken(session, key, other_than=playbook.id):
        raise _duplicate(data)
    playbook.touchpoint, playbook.segment, playbook.match_key = data["touchpoint"], data.get("segment"), key
    playbook.instruction, playbook.target_hours = dict(data["instruction"]), data["target_hours"]
    playbook.default_assignee = stored_person(data.get("default_assignee"))
    playbook.updated_by, playbook.updated_at = actor, now
    _commit_unique(session, data)
    return playbook


def delete_playbook(session: Session, playbook_id: str) -> None:
    """Delete a playbook; cases keep their copy."""
    session.delete(get_playbook(session, playbook_id))
    session.commit()


def matching_playbook(session: Session, signal: dict[str, Any]) -> Playbook | None:
    """The playbook of the signal's touchpoint and one of its customer's segments, else of its touchpoint.

    Several segment playbooks may match one customer (``region:Seoul`` and ``tier:gold``): the oldest wins,
    so the choice does not change when another is added.
    """
    touchpoint = signal.get("touchpoint")
    if not touchpoint:
        return None
    candidates = session.scalars(select(Playbook).where(Playbook.touchpoint == touchpoint)
                                 .order_by(Playbook.created_at, Playbook.id)).all()
    attributes = signal.get("attributes") or {}
    for playbook in candidates:
        if playbook.segment and segment_matches([playbook.segment], attributes):
            return playbook
    return next((playbook for playbook in candidates if not playbook.segment), None)
