"""Low-score signals from survey: stored per response (a newer revision corrects it), turned into
close-the-loop notices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.notifier.cases.opening import cases_by_response, correct_case, notice_fields, open_case
from services.notifier.models.alerts import Delivery, Signal
from services.notifier.models.subscriptions import Subscription
from services.notifier.notices import queue_notice
from services.notifier.segments import segment_matches

SIGNAL_FILTERS = {"touchpoint": "touchpoint", "survey": "survey_id", "channel": "channel"}
ANSWER_FILTERS = {"question": "question_key", "dimension": "dimension", "driver": "driver"}
DIGEST_PAGE = 500


def low_answers(signal: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers a signal is about: those of its metric at or below its score (so low as well)."""
    return [a for a in signal.get("answers") or [] if a.get("type") == signal["metric"]
            and a.get("value") is not None and a["value"] <= signal["score"]]


def in_scope(subscription: Subscription, signal: dict[str, Any]) -> bool:
    """True when the signal's metric and slices match the subscription's scope filters.

    Question, dimension and driver are properties of an answer: a low answer of the signal must
    match all three filters at once (a low q1 does not count for ``question=q9``).
    """
    if subscription.metric != signal["metric"]:
        return False
    scope = subscription.scope or {}
    for name, field in SIGNAL_FILTERS.items():
        if scope.get(name) and signal.get(field) not in scope[name]:
            return False
    wanted_answer = {field: scope[name] for name, field in ANSWER_FILTERS.items() if scope.get(name)}
    if wanted_answer and not any(all(answer.get(field) in values for field, values in wanted_answer.items())
                                 for answer in low_answers(signal)):
        return False
    return segment_matches(scope.get("segment", []), signal.get("attributes") or {})


def signal_notice(signal: dict[str, Any], case: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a person needs to follow up: score, answers, comment, customer and a link, and the case it
    opened (``cases.opening.notice_fields``: its id and link, the playbook's instruction)."""
    return {"metric": signal["metric"], "reason": f"{signal['metric']} score {signal['score']}",
            "signals": [{key: signal.get(key) for key in (
                "response_id", "survey_id", "survey_title", "touchpoint", "channel", "customer_id", "metric",
                "score", "comment", "answers", "questions", "lang", "low", "link")}
                        | {"answered_at": signal["answered_at"].isoformat()} | (case or {})],
            "link": signal.get("link")}


def store_signal(session: Session, signal: dict[str, Any], *, now: datetime, case_target_hours: int = 24,
                 console_url: str | None = None) -> str:
    """Store a signal, open its case and queue real-time notices (``stored``); apply a newer revision of a
    stored one (``corrected``); ignore a revision already held (``duplicate``).

    ``case_target_hours``: when a case without a playbook is due; ``console_url``: where notices link to it.
    """
    revision = signal.get("revision", 1)
    held = session.get(Signal, signal["response_id"], with_for_update=True)
    if held is not None:
        if revision <= held.revision:
            return "duplicate"
        case = correct_case(session, signal, old_score=held.score, now=now, target_hours=case_target_hours)
        _correct(session, held, signal, now=now, case=notice_fields(case, console_url))
        session.commit()
        return "corrected"
    if not signal.get("low", True):  # a correction to "no longer low" of a signal never held here
        return "duplicate"
    row = Signal(response_id=signal["response_id"], survey_id=signal["survey_id"],
                 touchpoint=signal.get("touchpoint"), channel=signal.get("channel"), metric=signal["metric"],
                 score=signal["score"], payload=_json_ready(signal), answered_at=signal["answered_at"],
                 received_at=now, revision=revision)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # the same signal arrived concurrently
        session.rollback()
        return "duplicate"
    case = notice_fields(open_case(session, signal, now=now, target_hours=case_target_hours), console_url)
    for subscription in _live_low_score_subscriptions(session, now):
        if subscription.rule.get("digest_minutes") or not in_scope(subscription, signal):
            continue
        queue_notice(session, subscription, signal_notice(signal, case), kind="low_score",
                     key=f"low:{subscription.id}:{signal['response_id']}", now=now)
    session.commit()
    return "stored"


def _live_low_score_subscriptions(session: Session, now: datetime) -> list[Subscription]:
    subscriptions = session.scalars(select(Subscription).where(
        Subscription.rule_kind == "low_score", Subscription.active.is_(True)))
    return [s for s in subscriptions if s.muted_until is None or _aware(s.muted_until) <= now]


def _correct(session: Session, held: Signal, signal: dict[str, Any], *, now: datetime,
             case: dict[str, Any] | None = None) -> None:
    """The customer changed the score after the signal went out: update the stored signal (digests
    and later reads show the new score) and tell whoever already saw the old one.

    A subscriber whose notice (or digest) held the old score gets a ``low_score_update`` notice that
    names what it supersedes; one in scope only now gets an ordinary ``low_score`` notice.
    """
    before = {"metric": held.metric, "score": held.score, "revision": held.revision}
    previous = dict(held.payload or {})
    previous["answered_at"] = held.answered_at
    held.metric, held.score, held.revision = signal["metric"], signal["score"], signal.get("revision", 1)
    held.payload, held.answered_at = _json_ready(signal), signal["answered_at"]
    low = signal.get("low", True)
    for subscription in _live_low_score_subscriptions(session, now):
        rid = signal["response_id"]
        if subscription.rule.get("digest_minutes"):
            digested = subscription.digest_from is not None and _aware(subscription.digest_from) > _aware(held.received_at)
            saw_it = digested and in_scope(subscription, previous)
        else:
            saw_it = session.scalar(select(Delivery.id).where(
                Delivery.subscription_id == subscription.id,
                Delivery.idempotency_key.startswith(f"low:{subscription.id}:{rid}:")).limit(1)) is not None
        if saw_it:
            notice = signal_notice(signal, case)
            notice["reason"] = (f"{before['metric']} score {before['score']} changed to "
                                f"{signal['metric']} {signal['score']}" + ("" if low else " (no longer low)"))
            notice["supersedes"] = {"response_id": rid, **before}
            queue_notice(session, subscription, notice, kind="low_score_update", now=now,
                         key=f"lowfix:{subscription.id}:{rid}:r{held.revision}")
        elif low and not subscription.rule.get("digest_minutes") and in_scope(subscription, signal):
            queue_notice(session, subscription, signal_notice(signal, case), kind="low_score",
                         key=f"low:{subscription.id}:{rid}", now=now)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json_ready(signal: dict[str, Any]) -> dict[str, Any]:
    return {**signal, "answered_at": signal["answered_at"].isoformat()}


def digest_notice(session: Session, subscription: Subscription, *, start: datetime,
                  end: datetime) -> dict[str, Any] | None:
    """The low-score signals in scope received in [start, end), as one notice (None if there are none)."""
    payloads = []
    for row in _received_signals(session, subscription, start=start, end=end):
        payload = dict(row.payload)
        payload["answered_at"] = row.answered_at
        if in_scope(subscription, payload):
            payloads.append(payload)
    if not payloads:
        return None
    cases = cases_by_response(session, [payload["response_id"] for payload in payloads])
    items = [signal_notice(payload, notice_fields(cases.get(payload["response_id"]), None))["signals"][0]
             for payload in payloads]
    return {"metric": subscription.metric, "reason": f"{len(items)} low scores", "signals": items,
            "window": {"from": start.isoformat(), "to": end.isoformat()}}


def _received_signals(session: Session, subscription: Subscription, *, start: datetime,
                      end: datetime) -> Iterator[Signal]:
    """Every signal of the subscription's metric and slices received in [start, end), oldest first.

    Read a page at a time (keyset on received_at, response_id) so that no signal is left out.
    """
    scope = subscription.scope or {}
    query = (select(Signal).where(Signal.received_at >= start, Signal.received_at < end,
                                  Signal.metric == subscription.metric,
                                  *(getattr(Signal, field).in_(scope[name])
                                    for name, field in SIGNAL_FILTERS.items() if scope.get(name)))
             .order_by(Signal.received_at, Signal.response_id).limit(DIGEST_PAGE))
    page = session.scalars(query).all()
    while page:
        yield from page
        if len(page) < DIGEST_PAGE:
            return
        last = page[-1]
        page = session.scalars(query.where(or_(
            Signal.received_at > last.received_at,
            and_(Signal.received_at == last.received_at, Signal.response_id > last.response_id)))).all()
