"""The scheduled evaluation of due subscriptions: claim, ask metrics, step episodes, queue notices.

Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and the episode change, its delivery rows and
outbox messages commit together with the claim's ``next_evaluation_at``; the unique ``open_key`` of
episodes and the outbox's unique idempotency keys make a second worker's overlap harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.set_aside import isolate, not_set_aside
from services.notifier.clients.metrics import compare_params
from services.notifier.enrich import data_link, rising_keywords, trend_points
from services.notifier.models import PLATFORM
from services.notifier.models.alerts import AlertEpisode
from services.notifier.models.subscriptions import Subscription
from services.notifier.notices import queue_notice
from services.notifier.rules.episodes import OpenEpisode, next_step
from services.notifier.rules.windows import closed_window_end, next_decision_at
from services.notifier.signals import digest_notice
from services.notifier.snapshots import decisions_from_reply
from services.notifier.subscriptions import SET_ASIDE_KIND, rule_window
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

    @classmethod
    def from_config(cls, config) -> "EvaluationSettings":
        return cls(settle=timedelta(seconds=config.SETTLE_SECONDS),
                   retry=timedelta(seconds=config.METRICS_RETRY_SECONDS),
                   interval=timedelta(seconds=config.EVALUATION_INTERVAL_SECONDS),
                   batch_size=config.EVALUATION_BATCH_SIZE, data_link_base=config.DATA_LINK_BASE)


@dataclass
class EvaluationResult:
    """What one pass did."""

    evaluated: int = 0
    metrics_calls: int = 0
    notices: int = 0
    delayed: int = 0
    set_aside: int = 0
    errors: list[str] = field(default_factory=list)


def claim_due(session: Session, *, now: datetime, limit: int) -> list[Subscription]:
    """Lock up to ``limit`` due subscriptions that no other worker holds."""
    query = (select(Subscription)
             .where(Subscription.active.is_(True), Subscription.next_evaluation_at <= now,
                    not_set_aside(PLATFORM, SET_ASIDE_KIND, Subscription.id))
             .order_by(Subscription.next_evaluation_at).limit(limit)
             .with_for_update(skip_locked=True, of=Subscription))
    return list(session.scalars(query))


def evaluate_due(session: Session, metrics, *, now: datetime, settings: EvaluationSettings) -> EvaluationResult:
    """Evaluate one batch of due subscriptions and commit (one transaction per batch).

    Each subscription runs in its own savepoint: one that fails (a rule no code path expected, a
    stored value that cannot be read back) is set aside with the reason and the batch goes on.
    """
    result = EvaluationResult()
    claimed = claim_due(session, now=now, limit=settings.batch_size)
    open_episodes: dict[str, dict[str, AlertEpisode]] = {s.id: {} for s in claimed}
    if claimed:  # one query for the open episodes of the whole batch
        for episode in session.scalars(select(AlertEpisode).where(
                AlertEpisode.subscription_id.in_(list(open_episodes)), AlertEpisode.state == "firing")):
            open_episodes[episode.subscription_id][episode.scope_key] = episode

    def evaluate_one(subscription: Subscription) -> None:
        evaluate_subscription(session, metrics, subscription, now=now, settings=settings, result=result,
                              episodes=open_episodes[subscription.id])

    failed = isolate(session, PLATFORM, claimed, evaluate_one, service="notifier", kind=SET_ASIDE_KIND,
                     key=lambda subscription: subscription.id, now=now)
    result.evaluated = len(claimed)
    result.set_aside = len(failed)
    session.commit()
    return result


def evaluate_subscription(session: Session, metrics, subscription: Subscription, *, now: datetime,
                          settings: EvaluationSettings, result: EvaluationResult,
                          episodes: dict[str, AlertEpisode] | None = None) -> None:
    """Decide a newly closed window if there is one, step the episodes, set the next evaluation."""
    if subscription.rule_kind == "low_score":
        _send_digest(session, subscription, now=now, result=result)
        return
    window = rule_window(subscription.rule)
    end = closed_window_end(now, window, settle=settings.settle)
    decisions: dict[str, Any] = {}
    if subscription.decided_window_end is None or _aware(subscription.decided_window_end) != end:
        params = _params(subscription, window, end)
        try:
            reply = metrics.compare(params)
            result.metrics_calls += 1
        except ServiceCallError as exc:  # metrics down: delay, never fire
            log.warning("metrics unavailable; evaluation delayed",
                        extra={"subscription_id": subscription.id, "error": str(exc)})
            subscription.last_error = f"metrics unavailable: {exc}"[:2000]
            subscription.next_evaluation_at = now + settings.retry
            result.delayed += 1
            return
        for found in decisions_from_reply(subscription, reply):
            found.snapshot["link"] = data_link(settings.data_link_base, params)
            decisions[found.scope_key] = found
        subscription.decided_window_end, subscription.last_error = end, None
    if episodes is None:
        episodes = {e.scope_key: e for e in session.scalars(select(AlertEpisode).where(
            AlertEpisode.subscription_id == subscription.id, AlertEpisode.state == "firing"))}
    open_count = _step_episodes(session, metrics, subscription, decisions, episodes, now=now, end=end,
                                window=window, result=result)
    next_at = next_decision_at(end, window, settle=settings.settle)
    if open_count:
        next_at = min(next_at, now + settings.interval)
    subscription.next_evaluation_at = next_at


def _params(subscription: Subscription, window: timedelta, end: datetime) -> dict[str, Any]:
    rule = subscription.rule
    confidence = 1 - 2 * rule["alpha"] if rule["kind"] == "threshold" else 0.95
    metric = subscription.volume_of if subscription.metric == "volume" else subscription.metric
    return compare_params(metric=metric, scope=subscription.scope, window=window, end=end,
                          baseline=rule.get("baseline", "last_n"), baseline_windows=rule.get("baseline_windows", 12),
                          alpha=rule["alpha"], confidence=confidence)


def _step_episodes(session, metrics, subscription, decisions, episodes, *, now, end, window, result) -> int:
    muted = subscription.muted_until is not None and _aware(subscription.muted_until) > now
    cooldown = timedelta(minutes=subscription.cooldown_minutes)
    still_open = 0
    for key in sorted(set(decisions) | set(episodes)):
        found, episode = decisions.get(key), episodes.get(key)
        state = None if episode is None else OpenEpisode(_aware(episode.opened_at),
                                                         episode.notified_at and _aware(episode.notified_at))
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
            if step.notice != "resolved":
                _enrich(metrics, subscription, notice, end=end, window=window)
            queue_notice(session, subscription, notice, kind=step.notice, episode_id=episode.id, now=now,
                         key=f"ep:{episode.id}:{step.notice}:{episode.notices}")
            episode.notices += 1
            episode.notified_at = now
            result.notices += 1
    return still_open


def _enrich(metrics, subscription, notice, *, end, window) -> None:
    metric = subscription.volume_of if subscription.metric == "volume" else subscription.metric
    group = notice.get("group") or {}
    notice["keywords"] = rising_keywords(metrics, subscription.scope, group, start=end - window, end=end)
    notice["trend"] = trend_points(metrics, metric, subscription.scope, group, end=end, window=window)


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


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
