"""Queue a notice for every channel of a subscription, in the caller's transaction (outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from services.common.outbox import enqueue
from services.notifier.models.alerts import Delivery
from services.notifier.models.base import PLATFORM
from services.notifier.models.subscriptions import Subscription
from shared.channels import AlertChannelType
from shared.contracts.fields import json_safe


def channel_target(channel: dict[str, Any]) -> str:
    """What a delivery list shows for a channel: the address, or only the URL's host."""
    if channel["type"] == AlertChannelType.EMAIL:
        return channel["address"]
    return f"{channel['type']}:{urlsplit(channel['url']).hostname}"


def queue_notice(session: Session, subscription: Subscription, notice: dict[str, Any], *, kind: str,
                 key: str, now: datetime, episode_id: int | None = None) -> list[Delivery]:
    """One delivery row and one outbox message per channel; ``key`` makes them idempotent.

    The payload names the subscription and channel, not the address or secret: the relay reads
    them at send time, so an unsubscribe or a deleted subscription stops queued notices too.
    """
    deliveries = []
    body = json_safe({**notice, "kind": kind, "subscription_id": subscription.id,
                      "subscription_name": subscription.name, "episode_id": episode_id})
    for channel in subscription.channels:
        idempotency_key = f"{key}:{channel['id']}"
        delivery = Delivery(subscription_id=subscription.id, episode_id=episode_id, kind=kind,
                            channel_type=channel["type"], target=channel_target(channel),
                            idempotency_key=idempotency_key, created_at=now)
        session.add(delivery)
        enqueue(session, PLATFORM, topic=f"alert.{kind}", destination=channel["type"],
                payload={"subscription_id": subscription.id, "channel_id": channel["id"], "notice": body},
                idempotency_key=idempotency_key, now=now, ordering_key=f"{subscription.id}:{channel['id']}")
        deliveries.append(delivery)
    session.flush()
    return deliveries
