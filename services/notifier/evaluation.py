"""The scheduled evaluation of due subscriptions: claim, ask metrics, then lock, decide and write.

Three steps, so that no HTTP call runs inside a transaction holding row locks:

1. **claim** (short transaction): ``FOR UPDATE SKIP LOCKED`` on PostgreSQL picks due subscriptions,
   moves their ``next_evaluation_at`` on by a lease and commits, with a plain copy of what step 2
   needs. Another worker skips them until the lease ends; a worker that dies leaves them to the
   next one after it.
2. **fetch** (no transaction open): ask metrics for the newly closed window's comparison and, for
   the notices that the decision will send, the keywords and trend an alert shows.
3. **write** (one transaction): lock the claimed rows again, keep those still holding this pass's
   lease and unchanged since the claim, step their episodes, queue notices and set the next
   evaluation. Each subscription runs in its own savepoint; one that fails (in step 2 or 3) is set
   aside with the reason and the batch goes on. The unique ``open_key`` of episodes and the
   outbox's unique idempotency keys make an overlap with another worker harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.set_aside import isolate, not_set_aside
from services.notifier.enrich import rising_keywords, trend_points
from services.notifier.explain import explanation_for
from services.notifier.models import PLATFORM
from services.notifier.models.alerts import AlertEpisode
from services.notifier.models.subscriptions import Subscription
from services.notifier.notices import queue_notice
from services.notifier.rules.episodes import OpenEpisode, next_step
from services.notifier.rules.windows import closed_window_end, next_decision_at
from services.notifier.signals import digest_notice
from services.notifier.snapshots import ScopeDecision
from services.notifier.subscriptions import SET_ASIDE_KIND, rule_window
from services.notifier.window_decisions import decide_window
from shared.http_client import ServiceCallError

log = logging.getLogger("cxloop.notifier")


@dataclass(frozen=True)
class EvaluationSettings:
    """Timing and links of evaluation (from the config)."""

    settle: timedelta = timedelta(minutes=10)
    retry: timedelta = timedelta(minutes=2)
    interval: timedelta = timedelta(minutes=1)
    batch_size: int = 50
    data_link_base: str = "http://127.0.0.1:8002"
    lease: timedelta = timedelta(minutes=5)

    @classmethod
    def from_config(cls, config) -> "EvaluationSettings":
        return cls(settle=timedelta(seconds=config.SETTLE_SECONDS),
                   retry=timedelta(seconds=config.METRICS_RETRY_SECONDS),
                   interval=timedelta(seconds=config.EVALUATION_INTERVAL_SECONDS),
                   batch_size=config.EVALUATION_BATCH_SIZE, data_link_base=config.DATA_LINK_BASE,
                   lease=timedelta(seconds=config.EVALUATION_LEASE_SECONDS))


@dataclass
class EvaluationResult:
    """What one pass did."""

    evaluated: int = 0
    metrics_calls: int = 0
    notices: int = 0
    delayed: int = 0
    set_aside: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimedSubscription:
    """A plain copy of a claimed subscription: what the fetch step reads, with no session behind it."""

    id: str
    updated_at: datetime
    lease_until: datetime
    rule_kind: str
    metric: str
    volume_of: str | None
    time_zone: str
    scope: dict[str, Any]
    rule: dict[str, Any]
    decided_window_end: datetime | None
    muted: bool
    cooldown: timedelta
    episodes: dict[str, tuple[OpenEpisode, dict[str, Any]]]  # scope key -> (state, group) at claim time


@dataclass
class Fetched:
    """What metrics answered for one claimed subscription (or why it could not be asked)."""

    end: datetime | None = None
    window: timedelta | None = None
    decided: bool = False
    decisions: dict[str, ScopeDecision] = field(default_factory=dict)
    enrichment: dict[str, dict[str, Any]] = field(default_factory=dict)
    unavailable: str | None = None
    failure: Exception | None = None


def claim_due(session: Session, *, now: datetime, limit: int,
              lease: timedelta = timedelta(minutes=5)) -> list[ClaimedSubscription]:
    """Claim up to ``limit`` due subscriptions no other worker holds: lease them and commit."""
    query = (select(Subscription)
             .where(Subscription.active.is_(True), Subscription.next_evaluation_at <= now,
                    not_set_aside(PLATFORM, SET_ASIDE_KIND, Subscription.id))
             .order_by(Subscription.next_evaluation_at).limit(limit)
             .with_for_update(skip_locked=True, of=Subscription))
    rows = list(session.scalars(query))
    states: dict[str, dict[str, tuple[OpenEpisode, dict[str, Any]]]] = {row.id: {} for row in rows}
    if rows:
        for episode in session.scalars(select(AlertEpisode).where(
                AlertEpisode.subscription_id.in_(list(states)), AlertEpisode.state == "firing")):
            states[episode.subscription_id][episode.scope_key] = (_state(episode), dict(episode.group or {}))
    claimed = []
    for row in rows:
        row.next_evaluation_at = now + lease
        claimed.append(ClaimedSubscription(
            id=row.id, updated_at=_aware(row.updated_at), lease_until=now + lease, rule_kind=row.rule_kind,
            metric=row.metric, volume_of=row.volume_of, time_zone=row.time_zone or "UTC",
            scope=dict(row.scope or {}), rule=dict(row.rule or {}),
            decided_window_end=row.decided_window_end and _aware(row.decided_window_end),
            muted=row.muted_until is not None and _aware(row.muted_until) > now,
            cooldown=timedelta(minutes=row.cooldown_minutes), episodes=states[row.id]))
    session.commit()
    return claimed


def evaluate_due(session: Session, metrics, *, now: datetime, settings: EvaluationSettings) -> EvaluationResult:
    """Evaluate one batch of due subscriptions: claim and commit, ask metrics, then decide and commit."""
    result = EvaluationResult()
    claimed = claim_due(session, now=now, limit=settings.batch_size, lease=settings.lease)
    fetched = {item.id: fetch_for(metrics, item, now=now, settings=settings, result=result) for item in claimed}
    if not claimed:
        return result
    by_id = {item.id: item for item in claimed}
    rows = [row for row in session.scalars(select(Subscription).where(Subscription.id.in_(list(by_id)))
                                           .order_by(Subscription.id).with_for_update(of=Subscription))
            if _still_ours(row, by_id[row.id])]
    open_episodes: dict[str, dict[str, AlertEpisode]] = {row.id: {} for row in rows}
    if rows:
        for episode in session.scalars(select(AlertEpisode).where(
                AlertEpisode.subscription_id.in_(list(open_episodes)), AlertEpisode.state == "firing")):
            open_episodes[episode.subscription_id][episode.scope_key] = episode

    def write_one(subscription: Subscription) -> None:
        write_evaluation(session, subscription, fetched[subscription.id], now=now, settings=settings,
                         result=result, episodes=open_episodes[subscription.id])

    failed = isolate(session, PLATFORM, rows, write_one, service="notifier", kind=SET_ASIDE_KIND,
                     key=lambda subscription: subscription.id, now=now)
    result.evaluated = len(rows)
    result.set_aside = len(failed)
    session.commit()
    return result


def fetch_for(metrics, claimed: ClaimedSubscription, *, now: datetime, settings: EvaluationSettings,
              result: EvaluationResult) -> Fetched:
    """Ask metrics what the claimed subscription needs (runs with no transaction open)."""
    if claimed.rule_kind == "low_score":
        return Fetched()
    try:
        window = rule_window(claimed.rule)
        end = closed_window_end(now, window, settle=settings.settle)
        fetched = Fetched(end=end, window=window)
        if claimed.decided_window_end != end:
            try:
                decided = decide_window(metrics, claimed, window=window, end=end,
                                        data_link_base=settings.data_link_base)
                result.metrics_calls += 1
            except ServiceCallError as exc:  # metrics down: delay, never fire
                return Fetched(unavailable=str(exc))
            fetched.decisions.update((found.scope_key, found) for found in decided)
            fetched.decided = True
        for key, group in _notices_expected(claimed, fetched.decisions, now=now):
            fetched.enrichment[key] = _enrichment(metrics, claimed, group, end=end, window=window)
        return fetched
    except Exception as exc:  # noqa: BLE001 - set aside in the write step, with the reason
        return Fetched(failure=exc)


def _notices_expected(claimed: ClaimedSubscription, decisions: dict[str, ScopeDecision], *,
                      now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The scope keys whose step will send a firing or repeat notice, as the claim saw the episodes."""
    expected = []
    for key in sorted(set(decisions) | set(claimed.episodes)):
        found, (state, group) = decisions.get(key), claimed.episodes.get(key, (None, {}))
        step = next_step(state, None if found is None else found.decision.firing, now=now,
                         cooldown=claimed.cooldown, muted=claimed.muted)
        if step.notice in ("firing", "repeat"):
            expected.append((key, found.group if found is not None else group))
    return expected


def write_evaluation(session: Session, subscription: Subscription, fetched: Fetched, *, now: datetime,
                     settings: EvaluationSettings, result: EvaluationResult,
                     episodes: dict[str, AlertEpisode]) -> None:
    """Record what was fetched: step the episodes, queue notices, set the next evaluation."""
    if fetched.failure is not None:
        raise fetched.failure
    if subscription.rule_kind == "low_score":
        _send_digest(session, subscription, now=now, result=result)
        return
    if fetched.unavailable is not None:
        log.warning("metrics unavailable; evaluation delayed",
                    extra={"subscription_id": subscription.id, "error": fetched.unavailable})
        subscription.last_error = f"metrics unavailable: {fetched.unavailable}"[:2000]
        subscription.next_evaluation_at = now + settings.retry
        result.delayed += 1
        return
    assert fetched.end is not None and fetched.window is not None
    if fetched.decided:
        subscription.decided_window_end, subscription.last_error = fetched.end, None
    open_count = _step_episodes(session, subscription, fetched, episodes, now=now, result=result)
    next_at = next_decision_at(fetched.end, fetched.window, settle=settings.settle)
    if open_count:
        next_at = min(next_at, now + settings.interval)
    subscription.next_evaluation_at = next_at


def _step_episodes(session, subscription, fetched: Fetched, episodes, *, now, result) -> int:
    muted = subscription.muted_until is not None and _aware(subscription.muted_until) > now
    cooldown = timedelta(minutes=subscription.cooldown_minutes)
    decisions = fetched.decisions
    still_open = 0
    for key in sorted(set(decisions) | set(episodes)):
        found, episode = decisions.get(key), episodes.get(key)
        state = None if episode is None else _state(episode)
        step = next_step(state, None if found is None else found.decision.firing, now=now,
                         cooldown=cooldown, muted=muted)
        if step.action == "none":
            continue
        if step.action == "open":
            episode = AlertEpisode(subscription_id=subscription.id, scope_key=key, group=found.group,
                                   state="firing", open_key=f"{subscription.id}|{key}", opened_at=now,
                                   notices=0, snapshot=found.snapshot)
            session.add(episode)
            session.flush()
        elif found is not None:
            episode.snapshot = found.snapshot
        if step.action == "resolve":
            episode.state, episode.open_key, episode.resolved_at = "resolved", None, now
        else:
            still_open += 1
        if step.notice:
            notice = dict(episode.snapshot)
            if step.notice != "resolved":  # fetched before the lock; best effort, as ever
                notice.update(fetched.enrichment.get(key, {"keywords": [], "trend": []}))
            queue_notice(session, subscription, notice, kind=step.notice, episode_id=episode.id, now=now,
                         key=f"ep:{episode.id}:{step.notice}:{episode.notices}")
            episode.notices += 1
            episode.notified_at = now
            result.notices += 1
    return still_open


def _enrichment(metrics, subscription, group, *, end, window) -> dict[str, Any]:
    metric = subscription.volume_of if subscription.metric == "volume" else subscription.metric
    return {"keywords": rising_keywords(metrics, subscription.scope, group, start=end - window, end=end),
            "trend": trend_points(metrics, metric, subscription.scope, group, end=end, window=window,
                                  tz=subscription.time_zone),
            "explanation": explanation_for(metrics, subscription, group, end=end, window=window)}


def _send_digest(session, subscription, *, now, result) -> None:
    start = _aware(subscription.digest_from) if subscription.digest_from else now
    muted = subscription.muted_until is not None and _aware(subscription.muted_until) > now
    notice = None if muted else digest_notice(session, subscription, start=start, end=now)
    if notice is not None:
        queue_notice(session, subscription, notice, kind="digest", now=now,
                     key=f"digest:{subscription.id}:{now.isoformat()}")
        result.notices += 1
    subscription.digest_from = now
    subscription.next_evaluation_at = now + timedelta(minutes=subscription.rule["digest_minutes"])


def _still_ours(row: Subscription, claimed: ClaimedSubscription) -> bool:
    """The row holds this pass's lease and nobody changed it since the claim."""
    return (row.next_evaluation_at is not None and _aware(row.next_evaluation_at) == claimed.lease_until
            and _aware(row.updated_at) == claimed.updated_at)


def _state(episode: AlertEpisode) -> OpenEpisode:
    return OpenEpisode(_aware(episode.opened_at), episode.notified_at and _aware(episode.notified_at))


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
