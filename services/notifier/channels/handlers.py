"""Outbox handlers of the notifier's destinations ``email``, ``slack`` and ``webhook``.

A message names a subscription and a channel; the handler reads both at send time, so a deleted
subscription or a removed channel turns queued notices into dead letters instead of sending them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from services.common.outbox import Handler, OutboxMessage, PermanentDeliveryError, single
from services.notifier.channels.senders import delivery_message_id, email_message, send_email, send_slack, send_webhook
from services.notifier.clients.survey import SurveyClient
from services.notifier.models.subscriptions import Subscription
from shared.channels import AlertChannelType


def _channel(engine: Engine, message: OutboxMessage) -> tuple[Subscription, dict[str, Any]]:
    query = select(Subscription.__table__).where(Subscription.id == message.payload["subscription_id"])
    with engine.connect() as connection:  # the relay holds no transaction while handlers run
        row = connection.execute(query).first()
    if row is None:
        raise PermanentDeliveryError("the subscription was deleted")
    for channel in row.channels:
        if channel["id"] == message.payload["channel_id"]:
            return row, channel
    raise PermanentDeliveryError("the channel was removed from the subscription")


def build_handlers(config, engine: Engine, *, transport=None, survey: SurveyClient | None = None) -> dict[str, Handler]:
    """The three destination handlers, reading settings from the notifier config (emails carry the
    brand survey holds, when an admin set one)."""
    brand_source = survey or SurveyClient.from_config(config)

    def email(message: OutboxMessage) -> None:
        subscription, channel = _channel(engine, message)
        unsubscribe = f"{config.PUBLIC_BASE_URL.rstrip('/')}/unsubscribe/{subscription.unsubscribe_token}"
        mail = email_message(message.payload["notice"], to=channel["address"], sender=config.MAIL_FROM,
                             lang=subscription.lang, tz=subscription.time_zone, unsubscribe_url=unsubscribe,
                             console_url=config.CONSOLE_URL, brand=brand_source.brand(),
                             message_id=delivery_message_id(message.idempotency_key, config.MAIL_FROM))
        send_email(mail, smtp_host=config.SMTP_HOST, smtp_port=config.SMTP_PORT, mail_dir=config.MAIL_DIR,
                   name=message.idempotency_key)

    def slack(message: OutboxMessage) -> None:
        subscription, channel = _channel(engine, message)
        send_slack(message.payload["notice"], url=channel["url"], lang=subscription.lang,
                   tz=subscription.time_zone, console_url=config.CONSOLE_URL,
                   timeout=config.WEBHOOK_TIMEOUT_SECONDS, allow_loopback=config.ALLOW_PRIVATE_WEBHOOKS,
                   transport=transport)

    def webhook(message: OutboxMessage) -> None:
        _subscription, channel = _channel(engine, message)
        secrets = [channel["secret"], channel.get("previous_secret") or ""]  # both sign during a rotation
        send_webhook(message.payload["notice"], url=channel["url"], secret=secrets,
                     idempotency_key=message.idempotency_key, timeout=config.WEBHOOK_TIMEOUT_SECONDS,
                     allow_loopback=config.ALLOW_PRIVATE_WEBHOOKS, transport=transport)

    return {AlertChannelType.EMAIL: single(email), AlertChannelType.SLACK: single(slack),
            AlertChannelType.WEBHOOK: single(webhook)}
