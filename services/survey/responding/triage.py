"""The team's triage of responses: status (new, read, archived), tags, internal notes, and "excluded as
test", which sends metrics a new version of the response so it leaves every score and keyword count
(and comes back when included again)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.exceptions import NotFoundError
from services.survey.models import SurveyVersion
from services.survey.models.responses import Response, ResponseNote, ResponseTag
from services.survey.responding.downstream import queue_for_metrics
from shared.contracts.triage import MAX_TAGS
from shared.statuses import ResponseStatus


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: trimmed, inner spaces collapsed, each once, in the order given."""
    return list(dict.fromkeys(" ".join(tag.split()) for tag in tags if tag.strip()))


def change_triage(session: Session, response_ids: Sequence[str], change: Mapping[str, Any], *,
                  now: datetime) -> tuple[list[str], list[str]]:
    """Apply one change (``status``, ``add_tags``, ``remove_tags``, ``excluded``) to each response.

    Returns the ids changed and the ids that match no response. A change of ``excluded`` makes a new
    version of the response for metrics (same answers, same dates). Commits once.
    """
    wanted = list(dict.fromkeys(response_ids))
    rows = {r.id: r for r in session.scalars(select(Response).where(Response.id.in_(wanted))
                                             .order_by(Response.id).with_for_update())}
    adding, removing = clean_tags(change.get("add_tags") or []), set(clean_tags(change.get("remove_tags") or []))
    held = _tags_of(session, list(rows))
    for response in rows.values():
        if change.get("status") is not None:
            response.triage_status = ResponseStatus(change["status"]).value
        tags = held.get(response.id, [])
        for tag in removing.intersection(tags):
            session.delete(session.get(ResponseTag, (response.id, tag)))
        for tag in [t for t in adding if t not in tags and t not in removing][: max(0, MAX_TAGS - len(tags))]:
            session.add(ResponseTag(response_id=response.id, tag=tag))
        if change.get("excluded") is not None and bool(change["excluded"]) != bool(response.excluded):
            _set_excluded(session, response, bool(change["excluded"]), now=now)
    session.commit()
    return [i for i in wanted if i in rows], [i for i in wanted if i not in rows]


def _set_excluded(session: Session, response: Response, excluded: bool, *, now: datetime) -> None:
    response.excluded = excluded
    response.version += 1  # metrics keeps the newest version; updated_at stays (it dates the answers)
    version = session.get(SurveyVersion, (response.survey_id, response.survey_version))
    queue_for_metrics(session, response, version.definition if version else {"questions": []}, now=now)


def add_note(session: Session, response_id: str, text: str, *, author: str, now: datetime) -> ResponseNote:
    """Add an internal note to a response (``NotFoundError`` when unknown). Commits."""
    if session.get(Response, response_id) is None:
        raise NotFoundError(f"no response {response_id}")
    note = ResponseNote(response_id=response_id, author=author[:200], text=text.strip() or text, created_at=now)
    session.add(note)
    session.commit()
    return note


def _tags_of(session: Session, response_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if response_ids:
        for response_id, tag in session.execute(select(ResponseTag.response_id, ResponseTag.tag)
                                                .where(ResponseTag.response_id.in_(response_ids))
                                                .order_by(ResponseTag.tag)):
            found.setdefault(response_id, []).append(tag)
    return found


def triage_of(session: Session, responses: Sequence[Response], *, with_notes: bool = False) -> dict[str, dict]:
    """Each response's triage in the contract's form (notes only when ``with_notes``)."""
    ids = [r.id for r in responses]
    tags = _tags_of(session, ids)
    counts = dict(session.execute(select(ResponseNote.response_id, func.count()).where(ResponseNote.response_id.in_(ids))
                                  .group_by(ResponseNote.response_id)).all()) if ids else {}
    notes: dict[str, list[dict]] = {}
    if with_notes and ids:
        for note in session.scalars(select(ResponseNote).where(ResponseNote.response_id.in_(ids))
                                    .order_by(ResponseNote.created_at, ResponseNote.id)):
            notes.setdefault(note.response_id, []).append(
                {"id": note.id, "author": note.author, "text": note.text, "created_at": note.created_at})
    return {r.id: {"status": r.triage_status or ResponseStatus.NEW.value, "tags": tags.get(r.id, []),
                   "excluded": bool(r.excluded), "note_count": counts.get(r.id, 0), "notes": notes.get(r.id, [])}
            for r in responses}
