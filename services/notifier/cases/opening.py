"""A stored low-score signal opens its case (one per response), in the signal's transaction; a newer
revision of the signal corrects the case. The notices of the signal carry the case (``notice_fields``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifier.cases.playbooks import matching_playbook, playbook_copy
from services.notifier.channels.answers import answer_text
from services.notifier.models.cases import Case, CaseEvent
from shared.contracts.cases import SYSTEM_ACTOR, CaseEventKind, CaseOutcome
from shared.statuses import ACTIVE_CASE_STATUSES, CaseStatus

DEFAULT_TARGET_HOURS = 24


def case_answers(signal: dict[str, Any]) -> list[dict[str, Any]]:
    """Every answer with its question's text and its value's label, from the labels the signal carries.

    A text answer that is the comment is left out (the case shows the comment on its own).
    """
    questions = signal.get("questions") or {}
    rows = []
    for answer in signal.get("answers") or []:
        if answer.get("text") and answer.get("text") == signal.get("comment"):
            continue
        about = questions.get(answer.get("question_key")) or {}
        rows.append({"question_key": answer.get("question_key"), "question": about.get("text"),
                     "type": answer.get("type"), "value": answer.get("value"), "scale_max": answer.get("scale_max"),
                     "choices": list(answer.get("choices") or []), "text": answer.get("text"),
                     "value_label": answer_text(answer, about.get("choices") or {})})
    return rows


def _signal_fields(case: Case, signal: dict[str, Any]) -> None:
    case.survey_id, case.survey_title = signal["survey_id"], signal.get("survey_title")
    case.touchpoint, case.channel, case.customer_id = signal.get("touchpoint"), signal.get("channel"), \
        signal.get("customer_id")
    case.metric, case.score, case.comment = signal["metric"], signal["score"], signal.get("comment")
    case.answers, case.lang, case.answered_at = case_answers(signal), signal.get("lang"), signal["answered_at"]


def open_case(session: Session, signal: dict[str, Any], *, now: datetime,
              target_hours: int = DEFAULT_TARGET_HOURS) -> Case:
    """Open the case of a low signal with its matching playbook (copied as it is now), due after the
    playbook's target time (``target_hours`` without one), assigned to the playbook's default assignee.

    Never commits: the caller's transaction stores the signal and its case together.
    """
    playbook = matching_playbook(session, signal)
    copied = playbook_copy(playbook) if playbook is not None else None
    hours = playbook.target_hours if playbook is not None else target_hours
    assignee = dict(playbook.default_assignee) if playbook is not None and playbook.default_assignee else None
    case = Case(response_id=signal["response_id"], status=CaseStatus.OPEN.value, opened_at=now,
                due_at=now + timedelta(hours=hours), playbook=copied, assignee=assignee,
                assignee_id=assignee["id"] if assignee else None, updated_at=now)
    _signal_fields(case, signal)
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.OPENED.value,
                          assignee=None, text=None, outcome=None))
    if assignee:
        session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.ASSIGNED.value,
                              assignee=assignee, text=None, outcome=None))
    return case


def _touched(session: Session, case: Case) -> bool:
    """Whether a person has done anything with the case (the default assignment is not a person's)."""
    return case.first_action_at is not None or session.scalar(
        select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.actor != SYSTEM_ACTOR).limit(1)) is not None


def correct_case(session: Session, signal: dict[str, Any], *, old_score: int, now: datetime,
                 target_hours: int = DEFAULT_TARGET_HOURS) -> Case | None:
    """The customer changed the score: the case shows the new answers and says so in its history.

    No longer low: a case nobody touched is resolved with ``no_action``; one a person works on stays as
    it is (the note tells them). Low again after such a resolution: the case is reopened. A response
    whose signal came before cases existed gets its case now, if it is low. Never commits.
    """
    case = session.scalar(select(Case).where(Case.response_id == signal["response_id"]).with_for_update())
    low = signal.get("low", True)
    if case is None:
        return open_case(session, signal, now=now, target_hours=target_hours) if low else None
    _signal_fields(case, signal)
    case.updated_at = now
    change = f"{signal['metric']} {old_score} -> {signal['score']}"
    if not low:
        text = f"The customer changed the score ({change}): no longer low."
        if case.status != CaseStatus.RESOLVED and not _touched(session, case):
            case.status, case.outcome, case.resolved_at = CaseStatus.RESOLVED.value, CaseOutcome.NO_ACTION.value, now
            session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.RESOLVED.value,
                                  text=text, outcome=CaseOutcome.NO_ACTION.value, assignee=None))
            return case
    else:
        text = f"The customer changed the score ({change})."
        if case.status == CaseStatus.RESOLVED and _resolved_by_correction(session, case):
            case.status = (CaseStatus.ACKNOWLEDGED if case.acknowledged_at else CaseStatus.OPEN).value
            case.outcome, case.resolved_at = None, None
            session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.REOPENED.value,
                                  text=text, outcome=None, assignee=None))
            return case
    session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.NOTED.value, text=text,
                          outcome=None, assignee=None))
    return case


def _resolved_by_correction(session: Session, case: Case) -> bool:
    last = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.kind == CaseEventKind.RESOLVED.value)
                           .order_by(CaseEvent.id.desc()).limit(1)).first()
    return last is not None and last.actor == SYSTEM_ACTOR


def notice_fields(case: Case | None, console_url: str | None) -> dict[str, Any]:
    """What a low-score notice carries of its case: its id, its console link, the playbook's instruction
    (both languages; each channel shows the reader's) and when the case is due."""
    if case is None:
        return {}
    playbook = case.playbook or {}
    base = console_url.rstrip("/") if console_url else None
    return {"case_id": case.id, "case_url": f"{base}/cases/{quote(str(case.id), safe='')}" if base else None,
            "case_due_at": case.due_at.isoformat(),
            "playbook": {"instruction": playbook.get("instruction"), "target_hours": playbook.get("target_hours")}
            if playbook else None}


def cases_by_response(session: Session, response_ids: list[str]) -> dict[str, Case]:
    """The cases of these responses (for digests, which read stored signals)."""
    found: dict[str, Case] = {}
    for start in range(0, len(response_ids), 500):
        chunk = response_ids[start:start + 500]
        found.update((case.response_id, case) for case in session.scalars(select(Case).where(Case.response_id.in_(chunk))))
    return found


def is_active(case: Case) -> bool:
    """Open or acknowledged."""
    return case.status in ACTIVE_CASE_STATUSES
