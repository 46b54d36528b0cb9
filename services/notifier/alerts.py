"""``GET /v1/alerts``: episodes and deliveries with their delivery state from the outbox."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifier.models.alerts import AlertEpisode, Delivery
from services.notifier.models.base import PLATFORM
from services.notifier.models.subscriptions import Subscription


def _delivery_rows(session: Session, condition, limit: int) -> list[dict[str, Any]]:
    box = PLATFORM.outbox
    query = (select(Delivery, box.c.status, box.c.attempts, box.c.last_error, box.c.delivered_at)
             .join(box, box.c.idempotency_key == Delivery.idempotency_key, isouter=True)
             .where(condition).order_by(Delivery.id.desc()).limit(limit))
    rows = []
    for delivery, status, attempts, last_error, delivered_at in session.execute(query):
        rows.append({"id": delivery.id, "subscription_id": delivery.subscription_id,
                     "episode_id": delivery.episode_id, "kind": delivery.kind,
                     "channel_type": delivery.channel_type, "target": delivery.target,
                     "status": status or "unknown", "attempts": attempts or 0, "last_error": last_error,
                     "created_at": delivery.created_at, "delivered_at": delivered_at})
    return rows


def list_alerts(session: Session, *, owner: str | None, subscription_id: str | None = None,
                state: str | None = None, limit: int = 100, before: int | None = None) -> dict[str, Any]:
    """Newest episodes (older than episode ``before``, when given) with their deliveries, and the newest
    notices outside episodes; ``next_before`` pages on through the episodes."""
    mine = select(Subscription.id)
    if owner is not None:
        mine = mine.where(Subscription.owner == owner)
    if subscription_id is not None:
        mine = mine.where(Subscription.id == subscription_id)
    query = select(AlertEpisode).where(AlertEpisode.subscription_id.in_(mine))
    if state is not None:
        query = query.where(AlertEpisode.state == state)
    if before is not None:
        query = query.where(AlertEpisode.id < before)
    episodes = list(session.scalars(query.order_by(AlertEpisode.id.desc()).limit(limit + 1)))
    more, episodes = len(episodes) > limit, episodes[:limit]
    by_episode: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if episodes:
        ids = [e.id for e in episodes]
        for row in _delivery_rows(session, Delivery.episode_id.in_(ids), limit * 20):
            by_episode[row["episode_id"]].append(row)
    notices = _delivery_rows(session, Delivery.episode_id.is_(None) & Delivery.subscription_id.in_(mine), limit)
    return {"episodes": [{"id": e.id, "subscription_id": e.subscription_id, "scope_key": e.scope_key,
                          "group": e.group, "state": e.state, "opened_at": e.opened_at,
                          "notified_at": e.notified_at, "resolved_at": e.resolved_at, "notices": e.notices,
                          "snapshot": e.snapshot, "deliveries": by_episode.get(e.id, [])} for e in episodes],
            "notices": notices, "next_before": episodes[-1].id if more else None}
