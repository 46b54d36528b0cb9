"""Every kind of webhook cxloop sends verifies with the official ``standardwebhooks`` library, with
one secret and during a rotation (old and new secret both sign): survey's invitations by webhook,
notifier's alert webhooks (response webhooks: test_deliveries.py and the e2e test)."""

from __future__ import annotations

import base64

from standardwebhooks.webhooks import Webhook

from services.notifier.channels.senders import send_webhook
from services.survey.config import Config
from services.survey.delivery.webhook import WebhookSender
from shared.contracts.alerts import ChannelSchema
from shared.webhook_signing import generate_secret
from tests.survey.webhooks.receiver import HookReceiver, verifies

OLD, NEW = "old-invitation-secret-0123", "new-invitation-secret-4567"


def test_invitation_webhooks_sign_with_every_configured_secret(survey_app):
    receiver = HookReceiver()
    try:
        survey = survey_app.published_survey()
        survey_app.trigger(survey["id"], channel="webhook", webhook_url=receiver.url)
        secrets = Config({"SURVEY_WEBHOOK_SECRET": f"{NEW}, {OLD}", "SURVEY_TOKEN_SECRET": "t"}).WEBHOOK_SECRETS
        assert secrets == (NEW, OLD)
        survey_app.senders = {"webhook": WebhookSender(secret=secrets, allow_private=True, timeout=2)}
        survey_app.post_event("e1")
        survey_app.match()
        assert survey_app.dispatch() == ["sent"]
        [message] = receiver.received
        assert len(message.headers["webhook-signature"].split(" ")) == 2
        assert verifies(NEW, message.headers, message.body) and verifies(OLD, message.headers, message.body)
        assert not verifies("a-third-secret-000000", message.headers, message.body)
        assert message.json["type"] == "survey.invitation"
    finally:
        receiver.stop()


def test_one_secret_gives_one_signature():
    assert Config({"SURVEY_WEBHOOK_SECRET": NEW, "SURVEY_TOKEN_SECRET": "t"}).WEBHOOK_SECRETS == (NEW,)


def test_alert_webhooks_sign_with_the_channel_secret_and_its_previous_one():
    receiver = HookReceiver()
    try:
        notice = {"kind": "firing", "subscription_id": "s1", "subscription_name": "배송 CSAT"}
        send_webhook(notice, url=receiver.url, secret=[NEW, OLD], idempotency_key="notice-1", timeout=2,
                     allow_loopback=True)
        send_webhook(notice, url=receiver.url, secret=[NEW, ""], idempotency_key="notice-2", timeout=2,
                     allow_loopback=True)
        rotated, single = receiver.received
        assert verifies(NEW, rotated.headers, rotated.body) and verifies(OLD, rotated.headers, rotated.body)
        assert verifies(NEW, single.headers, single.body) and not verifies(OLD, single.headers, single.body)
        assert rotated.headers["webhook-id"] == "notice-1"
    finally:
        receiver.stop()
    channel = ChannelSchema().load({"type": "webhook", "url": "https://example.com/h", "secret": NEW,
                                    "previous_secret": OLD})
    assert channel["previous_secret"] == OLD and "previous_secret" not in ChannelSchema().dump(channel)


def test_generated_secrets_are_whsec_of_32_random_bytes_the_library_takes():
    first, second = generate_secret(), generate_secret()
    assert first != second and first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    Webhook(first)  # the official library accepts the format
