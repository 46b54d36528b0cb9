"""Use cases of alert subscriptions: create, list, read, change, delete, unsubscribe by email link."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.common.set_aside import release_item
from services.notifier.channels.url_safety import UnsafeUrlError, check_url
from services.notifier.exceptions import SubscriptionNotFoundError, UnsafeWebhookError
from services.notifier.models import PLATFORM
from services.notifier.models.subscriptions import Subscription
from shared.channels import URL_ALERT_CHANNELS, AlertChannelType
from shared.contracts.fields import Duration
from shared.personal_data import Disclosure

_DURATION = Duration()
SET_ASIDE_KIND = "subscription"  # the evaluation job sets failing subscriptions aside under this kind


def rule_window(rule: dict[str, Any]) -> timedelta:
    """The rule's window as a ``timedelta`` (stored as text like ``7d``)."""
    window = rule.get("window", "7d")
    return window if isinstance(window, timedelta) else _DURATION.deserialize(window)


def _stored_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {**rule, "window": _DURATION._serialize(rule_window(rule), "window", None)}


def _stored_channels(channels: list[dict[str, Any]], *, allow_loopback: bool) -> list[dict[str, Any]]:
    stored = []
    for index, channel in enumerate(channels):
        if channel["type"] in URL_ALERT_CHANNELS:
            try:
                check_url(channel["url"], allow_loopback=allow_loopback)
            except UnsafeUrlError as exc:
                raise UnsafeWebhookError(f"channel {index}: {exc}",
                                         errors={"channels": {str(index): {"url": [str(exc)]}}}) from exc
        stored.append({"id": uuid.uuid4().hex[:8], **{k: v for k, v in channel.items() if v is not None}})
    return stored


def _first_evaluation(rule: dict[str, Any], now: datetime) -> datetime | None:
    if rule["kind"] != "low_score":
        return now
    if rule.get("digest_minutes"):
        return now + timedelta(minutes=rule["digest_minutes"])
    return None  # real-time notices are sent when a signal arrives


def _check_personal_scope(scope: dict[str, Any] | None, disclosure: Disclosure | None) -> None:
    """Refuse (422) a scope that groups or filters by personal attributes the caller may not use.

    The worker asks metrics with the service key, so this is where a team lead's limits hold.
    """
    if disclosure is None or not scope:
        return
    errors = disclosure.scope_errors(scope.get("group_by") or [], scope.get("segment") or [])
    if errors:
        raise InvalidInputError("personal attributes may not be grouped or filtered by with this role",
                                errors={"scope": errors})


def create_subscription(session: Session, data: dict[str, Any], *, owner: str, now: datetime,
                        allow_loopback: bool = False, disclosure: Disclosure | None = None) -> Subscription:
    """Store a new subscription owned by ``owner``; webhook URLs and personal-data limits are checked first."""
    _check_personal_scope(data.get("scope"), disclosure)
    subscription = Subscription(
        id=uuid.uuid4().hex, owner=owner, name=data["name"], metric=data["metric"],
        volume_of=data.get("volume_of") or "nps", rule_kind=data["rule"]["kind"], scope=data.get("scope") or {},
        rule=_stored_rule(data["rule"]),
        channels=_stored_channels(data["channels"], allow_loopback=allow_loopback),
        lang=data.get("lang", "en"), time_zone=data.get("time_zone") or "UTC", cooldown_minutes=data.get("cooldown_minutes", 1440),
        muted_until=data.get("muted_until"), active=data.get("active", True),
        unsubscribe_token=secrets.token_urlsafe(24), next_evaluation_at=_first_evaluation(data["rule"], now),
        digest_from=now, created_at=now, updated_at=now)
    session.add(subscription)
    session.commit()
    return subscription


def list_subscriptions(session: Session, *, owner: str | None, limit: int = 100,
                       offset: int = 0) -> list[Subscription]:
    """Subscriptions, newest first; only ``owner``'s when given."""
    query = select(Subscription).order_by(Subscription.created_at.desc(), Subscription.id)
    if owner is not None:
        query = query.where(Subscription.owner == owner)
    return list(session.scalars(query.limit(limit).offset(offset)))


def get_subscription(session: Session, subscription_id: str, *, owner: str | None) -> Subscription:
    """The subscription, if it exists and ``owner`` (None: anyone) owns it."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or (owner is not None and subscription.owner != owner):
        raise SubscriptionNotFoundError(f"no subscription {subscription_id!r}")
    return subscription


def update_subscription(session: Session, subscription_id: str, changes: dict[str, Any], *,
                        owner: str | None, now: datetime, allow_loopback: bool = False,
                        disclosure: Disclosure | None = None) -> Subscription:
    """Change some fields; a new rule or scope is evaluated afresh."""
    _check_personal_scope(changes.get("scope"), disclosure)
    subscription = get_subscription(session, subscription_id, owner=owner)
    if "channels" in changes:
        subscription.channels = _stored_channels(changes["channels"], allow_loopback=allow_loopback)
    for name in ("name", "lang", "time_zone", "cooldown_minutes", "muted_until", "active"):
        if name in changes:
            setattr(subscription, name, changes[name])
    if "scope" in changes:
        subscription.scope = changes["scope"]
    if "rule" in changes:
        if (changes["rule"]["kind"] == "low_score") != (subscription.rule_kind == "low_score"):
            raise InvalidInputError("a subscription cannot switch between low_score and score rules",
                                     errors={"rule": {"kind": ["create a new subscription instead"]}})
        subscription.rule, subscription.rule_kind = _stored_rule(changes["rule"]), changes["rule"]["kind"]
    if "scope" in changes or "rule" in changes or changes.get("active"):
        subscription.decided_window_end = None
        subscription.next_evaluation_at = _first_evaluation(subscription.rule, now)
    # Changed by its owner, a subscription the worker had set aside gets another chance.
    release_item(session, PLATFORM, kind=SET_ASIDE_KIND, item_key=subscription.id, now=now)
    subscription.updated_at = now
    session.commit()
    return subscription


def delete_subscription(session: Session, subscription_id: str, *, owner: str | None) -> None:
    """Delete a subscription with its episodes and delivery records."""
    session.delete(get_subscription(session, subscription_id, owner=owner))
    session.commit()


def find_by_unsubscribe_token(session: Session, token: str) -> Subscription | None:
    """The subscription an unsubscribe link belongs to, or None."""
    return session.scalars(select(Subscription).where(Subscription.unsubscribe_token == token)).first()


def unsubscribe_email(session: Session, token: str, *, now: datetime) -> Subscription | None:
    """Remove the subscription's email channels; with no channel left it is deactivated."""
    subscription = find_by_unsubscribe_token(session, token)
    if subscription is None:
        return None
    subscription.channels = [c for c in subscription.channels if c["type"] != AlertChannelType.EMAIL]
    if not subscription.channels:
        subscription.active = False
    subscription.updated_at = now
    session.commit()
    return subscription
