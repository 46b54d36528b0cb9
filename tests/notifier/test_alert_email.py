"""An alert email as the worker sends it: the notifier's own unsubscribe link, Date and Message-ID."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from services.common.outbox import OutboxMessage
from services.notifier.channels.handlers import build_handlers
from services.notifier.config import TestConfig as NotifierTestConfig
from tests.notifier.support import signal_body, subscription_body
from tests.support import ADMIN_KEY, ConnectionAsEngine, auth

SURVEY_BASE = "http://127.0.0.1:8001"  # what every service used to get
NOTIFIER_BASE = "https://alerts.example.com"


@pytest.fixture
def notifier_with_mail(make_service, tmp_path):
    env = {"CX_PUBLIC_BASE_URL": SURVEY_BASE, "NOTIFIER_PUBLIC_BASE_URL": NOTIFIER_BASE,
           "NOTIFIER_MAIL_DIR": str(tmp_path), "NOTIFIER_MAIL_FROM": "cxloop alerts <alerts@example.com>"}
    service = make_service("notifier", env=env)
    service.config = NotifierTestConfig({**env, "NOTIFIER_DATABASE_URL": "sqlite://"})
    return service


def send_queued_email(service, tmp_path):
    """Run the email handler on the queued message, as the relay does, and read the mail it wrote."""
    row = service.connection.execute(text(
        "SELECT id, topic, destination, payload, idempotency_key, attempts FROM outbox_messages "
        "WHERE destination = 'email'")).one()
    payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    message = OutboxMessage(row.id, row.topic, row.destination, payload, row.idempotency_key, row.attempts)
    handlers = build_handlers(service.config, engine=ConnectionAsEngine(service.connection))
    assert handlers["email"]([message]) == {row.id: None}
    [path] = tmp_path.glob("*.eml")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    path.unlink()
    return mail


def test_alert_email_links_to_the_notifier_and_carries_date_and_message_id(notifier_with_mail, tmp_path):
    service = notifier_with_mail
    body = subscription_body(rule={"kind": "low_score"})
    assert service.client().post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY)).status_code == 201
    assert service.client().post("/v1/signals", json=signal_body(), headers=auth(ADMIN_KEY)).status_code == 200

    mail = send_queued_email(service, tmp_path)
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{NOTIFIER_BASE}/unsubscribe/")
    assert unsubscribe in mail.get_body(("plain",)).get_content()
    assert service.client().get(urlsplit(unsubscribe).path).status_code == 200  # the notifier serves it
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    message_id = str(mail["Message-ID"]).strip()  # a long one is folded onto its own line
    assert message_id.startswith("<") and message_id.endswith("@example.com>")

    again = send_queued_email(service, tmp_path)  # a retry of the same delivery
    assert str(again["Message-ID"]).strip() == message_id
