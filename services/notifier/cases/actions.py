"""What people do with a case: acknowledge, assign (or unassign), note, resolve with an outcome, reopen.

Each action locks the case, checks that it fits the case's state (409 otherwise), writes a history
entry and commits once. The first acknowledgement, assignment, note or resolution by a person sets
``first_action_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.common.exceptions import ConflictError
from services.notifier.cases.playbooks import stored_person
from services.notifier.cases.views import Reach, find_reachable, read_case
from services.notifier.models.cases import Case, CaseEvent
from shared.contracts.cases import CaseEventKind
from shared.statuses import CaseStatus


class CaseConflictError(ConflictError):
    """The action does not fit the case's state, e.g. resolving a resolved case (409)."""


def _record(session: Session, case: Case, *, kind: CaseEventKind, actor: str, now: datetime, first_action: bool,
            text: str | None = None, assignee: dict[str, Any] | None = None, outcome: str | None = None) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, actor=actor, kind=kind.value, text=text, assignee=assignee,
                          outcome=outcome))
    if first_action and case.first_action_at is None:
        case.first_action_at = now
    case.updated_at = now


def _finish(session: Session, case: Case, now: datetime) -> dict[str, Any]:
    session.commit()
    return read_case(session, case, now=now)


def _not_resolved(case: Case, action: str) -> None:
    if case.status == CaseStatus.RESOLVED:
        raise CaseConflictError(f"case {case.id} is resolved: reopen it to {action} it",
                                errors={"status": [f"case is {case.status}"]})


def acknowledge_case(session: Session, case_id: int, reach: Reach, *, actor: str, now: datetime) -> dict[str, Any]:
    """Say someone is on it: an open case becomes acknowledged (409 for any other)."""
    case = find_reachable(session, case_id, reach, lock=True)
    if case.status != CaseStatus.OPEN:
        raise CaseConflictError(f"case {case.id} is {case.status}, not open",
                                errors={"status": [f"case is {case.status}"]})
    case.status, case.acknowledged_at = CaseStatus.ACKNOWLEDGED.value, now
    _record(session, case, kind=CaseEventKind.ACKNOWLEDGED, actor=actor, now=now, first_action=True)
    return _finish(session, case, now)


def assign_case(session: Session, case_id: int, reach: Reach, assignee: dict[str, Any] | None, *, actor: str,
                now: datetime) -> dict[str, Any]:
    """Give the case to a person (None: to nobody); not a resolved case (409). The same person again
    changes nothing."""
    case = find_reachable(session, case_id, reach, lock=True)
    _not_resolved(case, "assign")
    person = stored_person(assignee)
    if (person or {}).get("id") == case.assignee_id and person == case.assignee:
        return read_case(session, case, now=now)
    case.assignee, case.assignee_id = person, person["id"] if person else None
    _record(session, case, kind=CaseEventKind.ASSIGNED, actor=actor, now=now, first_action=True, assignee=person)
    return _finish(session, case, now)


def note_case(session: Session, case_id: int, reach: Reach, text: str, *, actor: str,
              now: datetime) -> dict[str, Any]:
    """Add a note ("called the customer, refund issued"); resolved cases take notes too."""
    case = find_reachable(session, case_id, reach, lock=True)
    _record(session, case, kind=CaseEventKind.NOTED, actor=actor, now=now, first_action=True, text=text)
    return _finish(session, case, now)


def resolve_case(session: Session, case_id: int, reach: Reach, outcome: str, note: str | None, *, actor: str,
                 now: datetime) -> dict[str, Any]:
    """Close the case with an outcome and an optional note (409 when it is resolved already)."""
    case = find_reachable(session, case_id, reach, lock=True)
    _not_resolved(case, "resolve")
    case.status, case.outcome, case.resolved_at = CaseStatus.RESOLVED.value, outcome, now
    _record(session, case, kind=CaseEventKind.RESOLVED, actor=actor, now=now, first_action=True, text=note,
            outcome=outcome)
    return _finish(session, case, now)


def reopen_case(session: Session, case_id: int, reach: Reach, *, actor: str, now: datetime) -> dict[str, Any]:
    """Open a resolved case again (acknowledged if it had been; 409 for a case that is not resolved).

    Its due time and its one reminder stay as they were.
    """
    case = find_reachable(session, case_id, reach, lock=True)
    if case.status != CaseStatus.RESOLVED:
        raise CaseConflictError(f"case {case.id} is {case.status}, not resolved",
                                errors={"status": [f"case is {case.status}"]})
    case.status = (CaseStatus.ACKNOWLEDGED if case.acknowledged_at else CaseStatus.OPEN).value
    case.outcome, case.resolved_at = None, None
    _record(session, case, kind=CaseEventKind.REOPENED, actor=actor, now=now, first_action=False)
    return _finish(session, case, now)
