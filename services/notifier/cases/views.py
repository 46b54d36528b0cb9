"""Who may see which case, one case as the API returns it, and the lists (mine, team, unassigned,
overdue, all), newest first, a keyset page at a time.

Admins reach every case. A team lead reaches the cases in the scope of their own active low-score
subscriptions (``signals.in_scope``, the rule that sends them the notices) and the cases assigned to them.
A case out of reach is "not found", so its id tells nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError, NotFoundError
from services.notifier.models.alerts import Signal
from services.notifier.models.cases import Case, CaseEvent
from services.notifier.models.subscriptions import Subscription
from services.notifier.signals import SIGNAL_FILTERS, in_scope
from shared.contracts.cases import CaseView
from shared.statuses import ACTIVE_CASE_STATUSES, CaseStatus

SCAN_PAGE = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SCAN_LIMIT = 5000  # rows a lead's page looks through before it hands back a cursor with fewer items


class CaseNotFoundError(NotFoundError):
    """No such case, or one the caller may not reach (404 either way, so ids do not leak)."""


@dataclass(frozen=True)
class Reach:
    """What a caller may reach: everything (``everything``), or their subscriptions' scope and their own."""

    person: str
    everything: bool = False
    subscriptions: tuple[Subscription, ...] = field(default_factory=tuple)

    def covers(self, case: Case, signal: dict[str, Any] | None) -> bool:
        """Whether this caller may see and act on the case."""
        if self.everything or (case.assignee_id is not None and case.assignee_id == self.person):
            return True
        facts = signal or _facts(case)
        return any(in_scope(subscription, facts) for subscription in self.subscriptions)

    def prefilter(self):
        """A SQL condition every reachable case meets (``covers`` decides exactly)."""
        if self.everything:
            return None
        conditions = [Case.assignee_id == self.person]
        for subscription in self.subscriptions:
            scope = subscription.scope or {}
            parts = [Case.metric == subscription.metric]
            parts += [getattr(Case, column).in_(scope[name]) for name, column in SIGNAL_FILTERS.items()
                      if scope.get(name)]
            conditions.append(and_(*parts))
        return or_(*conditions)


def reach_of(session: Session, *, person: str, admin: bool) -> Reach:
    """The caller's reach: admins everything; others their own active low-score subscriptions' scope."""
    if admin:
        return Reach(person=person, everything=True)
    subscriptions = session.scalars(select(Subscription).where(
        Subscription.owner == person, Subscription.rule_kind == "low_score", Subscription.active.is_(True)))
    return Reach(person=person, subscriptions=tuple(subscriptions))


def _facts(case: Case) -> dict[str, Any]:
    """The signal fields scope filters read, from the case itself (when the stored signal is missing)."""
    return {"metric": case.metric, "score": case.score, "touchpoint": case.touchpoint, "survey_id": case.survey_id,
            "channel": case.channel, "answers": case.answers, "attributes": {}}


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_reachable(session: Session, case_id: int, reach: Reach, *, lock: bool = False) -> Case:
    """The case if the caller may reach it (locked for an action when ``lock``); else ``CaseNotFoundError``."""
    query = select(Case).where(Case.id == case_id)
    case = session.scalar(query.with_for_update() if lock else query)
    if case is None or not reach.covers(case, _signal_payload(session, case) if not reach.everything else None):
        raise CaseNotFoundError(f"no case {case_id}")
    return case


def _signal_payload(session: Session, case: Case) -> dict[str, Any] | None:
    signal = session.get(Signal, case.response_id)
    return dict(signal.payload or {}) if signal is not None else None


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds()))


def case_dict(case: Case, history: Iterable[CaseEvent], *, now: datetime) -> dict[str, Any]:
    """A case as the API returns it, with its age, time to first action, overdue flag and history."""
    opened, resolved, due = _aware(case.opened_at), _aware(case.resolved_at), _aware(case.due_at)
    active = case.status in ACTIVE_CASE_STATUSES
    return {
        "id": case.id, "status": case.status, "outcome": case.outcome, "response_id": case.response_id,
        "survey_id": case.survey_id, "survey_title": case.survey_title, "touchpoint": case.touchpoint,
        "channel": case.channel, "customer_id": case.customer_id, "metric": case.metric, "score": case.score,
        "comment": case.comment, "answers": case.answers or [], "lang": case.lang, "answered_at": case.answered_at,
        "opened_at": opened, "acknowledged_at": case.acknowledged_at, "first_action_at": case.first_action_at,
        "resolved_at": resolved, "due_at": due, "reminded_at": case.reminded_at,
        "overdue": bool(active and due is not None and now > due),
        "age_seconds": _seconds(resolved if not active and resolved else now, opened) or 0,
        "time_to_first_action_seconds": _seconds(_aware(case.first_action_at), opened),
        "assignee": case.assignee, "playbook": case.playbook,
        "history": [{"at": e.at, "actor": e.actor, "kind": e.kind, "text": e.text, "assignee": e.assignee,
                     "outcome": e.outcome} for e in history]}


def histories(session: Session, case_ids: list[int]) -> dict[int, list[CaseEvent]]:
    """The history of each case, oldest first."""
    found: dict[int, list[CaseEvent]] = defaultdict(list)
    if case_ids:
        for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
                                     .order_by(CaseEvent.case_id, CaseEvent.id)):
            found[event.case_id].append(event)
    return found


def read_case(session: Session, case: Case, *, now: datetime) -> dict[str, Any]:
    """One case with its history."""
    return case_dict(case, histories(session, [case.id])[case.id], now=now)


def get_case(session: Session, case_id: int, reach: Reach, *, now: datetime) -> dict[str, Any]:
    """The case if the caller may reach it (404 otherwise)."""
    return read_case(session, find_reachable(session, case_id, reach), now=now)


def _cursor(case: Case) -> str:
    opened = _aware(case.opened_at)
    assert opened is not None
    return f"{(opened - EPOCH) // timedelta(microseconds=1)}.{case.id}"


def _after(cursor: str):
    try:
        micros, _, case_id = cursor.partition(".")
        moment = EPOCH + timedelta(microseconds=int(micros))
        last_id = int(case_id)
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidInputError("not a cursor of this list", errors={"cursor": ["not a cursor of this list"]}) from exc
    return or_(Case.opened_at < moment, and_(Case.opened_at == moment, Case.id < last_id))


def _conditions(reach: Reach, *, view: str, status: str, customer_id: str | None, now: datetime) -> list[Any]:
    # "active" as "not resolved": an IN over two statuses makes SQLite sort every active case instead of
    # reading the newest first from ix_cases_opened (100k cases: 180 ms -> a few ms)
    conditions: list[Any] = [Case.status != CaseStatus.RESOLVED.value if status == "active" else Case.status == status]
    if view == CaseView.MINE:
        conditions.append(Case.assignee_id == reach.person)
    elif view == CaseView.UNASSIGNED:
        conditions.append(Case.assignee_id.is_(None))
    elif view == CaseView.OVERDUE:
        conditions.append(Case.due_at < now if status != CaseStatus.RESOLVED else false())
    if customer_id is not None:
        conditions.append(Case.customer_id == customer_id)
    prefilter = reach.prefilter()
    if prefilter is not None and view != CaseView.MINE:
        conditions.append(prefilter)
    return conditions


def list_cases(session: Session, reach: Reach, *, view: str = CaseView.TEAM, status: str = "active",
               customer_id: str | None = None, limit: int = 50, cursor: str | None = None,
               now: datetime) -> dict[str, Any]:
    """One page of the cases the caller may see in ``view``, newest first, and the next page's cursor."""
    conditions = _conditions(reach, view=view, status=status, customer_id=customer_id, now=now)
    if cursor:
        conditions.append(_after(cursor))
    order = (Case.opened_at.desc(), Case.id.desc())
    size = limit + 1 if reach.everything else SCAN_PAGE
    found: list[Case] = []
    scanned, last, exhausted = 0, None, False
    # One more than a page tells whether another follows; a lead's cases are filtered here by their
    # subscriptions' scope, so a page may take several reads (at most SCAN_LIMIT rows, then a cursor).
    while len(found) <= limit and scanned < SCAN_LIMIT and not exhausted:
        query = select(Case).where(*conditions, *([_after(_cursor(last))] if last is not None else []))
        batch = list(session.scalars(query.order_by(*order).limit(size)))
        exhausted = len(batch) < size
        payloads = {} if reach.everything else _payloads(session, [case.response_id for case in batch])
        for case in batch:
            scanned, last = scanned + 1, case
            if reach.everything or view == CaseView.MINE or reach.covers(case, payloads.get(case.response_id)):
                found.append(case)
                if len(found) > limit:
                    exhausted = False
                    break
    page = found[:limit]
    if len(found) > limit:
        next_cursor: str | None = _cursor(page[-1])
    elif not exhausted and last is not None:  # the scan stopped at SCAN_LIMIT: go on from where it did
        next_cursor = _cursor(last)
    else:
        next_cursor = None
    events = histories(session, [case.id for case in page])
    return {"items": [case_dict(case, events[case.id], now=now) for case in page], "next_cursor": next_cursor}


def _payloads(session: Session, response_ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = session.execute(select(Signal.response_id, Signal.payload).where(Signal.response_id.in_(response_ids)))
    return {response_id: dict(payload or {}) for response_id, payload in rows}
