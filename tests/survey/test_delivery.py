"""Delivery against real parts: a local SMTP server (aiosmtpd), .eml files, a signed-webhook receiver."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from services.survey.delivery.mail import FileMailer, SmtpMailer
from services.survey.delivery.webhook import WebhookSender, in_app_sender
from services.survey.models import find_invitation_by_token
from tests.survey.receivers import SmtpServer, WebhookReceiver


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    hook = WebhookReceiver(secret="hook-secret")
    yield hook
    hook.stop()


def parts(message):
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return plain, html


def test_email_over_smtp_in_the_customers_language_with_one_click_links(survey_app, smtp):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.senders = {"email": SmtpMailer("127.0.0.1", smtp.port, sender="cx <s@cx.example.com>")}
    survey_app.post_event("e1")  # ko-KR
    survey_app.post_event("e2", customer="fr", locale="fr-FR")  # French is missing: falls back to en
    survey_app.match()
    assert survey_app.dispatch() == ["sent", "sent"]
    by_to = {m["To"]: m for m in smtp.messages}
    korean = by_to["c1@example.com"]
    assert korean["Subject"] == "배송은 어떠셨나요?"
    plain, html = parts(korean)
    assert "추천하시겠습니까?" in plain and "설문 열기" in html
    links = re.findall(r"https://cx\.example\.com/r/([A-Za-z0-9_-]+)\?score=(\d+)&q=nps", plain)
    assert [int(score) for _, score in links] == list(range(0, 11))
    token = links[0][0]
    assert len(token) >= 22  # >= 128 bits
    assert korean["List-Unsubscribe"] == f"<https://cx.example.com/unsubscribe/{token}>"
    assert korean["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with survey_app.session() as session:
        invitation = find_invitation_by_token(session, token)
        assert invitation is not None and invitation.customer_id == "c1"
        assert token not in (invitation.token_hash, invitation.token_nonce)
        assert find_invitation_by_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    french = by_to["fr@example.com"]
    assert french["Subject"] == "How was your delivery?" and french["Content-Language"] == "en"


def test_email_to_eml_files_when_no_smtp(survey_app, tmp_path):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.senders = {"email": FileMailer(tmp_path / "mail", sender="s@cx.example.com")}
    survey_app.post_event("e1")
    survey_app.match()
    survey_app.dispatch()
    [path] = list((tmp_path / "mail").glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "배송은 어떠셨나요?" and message["List-Unsubscribe-Post"]
    plain, html = parts(message)
    assert "?score=10&q=nps" in plain and "<a href=" in html


def test_smtp_down_is_retried(survey_app):
    from tests.support import free_port

    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.senders = {"email": SmtpMailer("127.0.0.1", free_port(), sender="s@x", timeout=2)}
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["retry"]
    [invitation] = survey_app.invitations()
    assert invitation["status"] == "scheduled" and "SMTP unavailable" in invitation["last_error"]


def test_signed_webhook_with_retries(survey_app, receiver):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], channel="webhook", webhook_url=receiver.url)
    survey_app.senders = {"webhook": WebhookSender(secret="hook-secret", allow_private=True, timeout=2)}
    receiver.fail_next = 1
    survey_app.post_event("e1", phone="+82 10-1234-5678")
    survey_app.match()
    assert survey_app.dispatch() == ["retry"]
    survey_app.clock.advance(minutes=1)
    assert survey_app.dispatch() == ["sent"]
    [delivery] = receiver.received
    body = delivery["body"]
    assert body["type"] == "survey.invitation" and body["customer"]["phone"] == "+82 10-1234-5678"
    assert body["question"]["key"] == "nps" and len(body["question"]["answers"]) == 11
    assert body["survey_url"].startswith("https://cx.example.com/r/")
    assert delivery["key"] == f"survey-invitation-{body['invitation_id']}"


def test_wrong_secret_is_rejected_by_the_receiver_and_fails_for_good(survey_app, receiver):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], channel="webhook", webhook_url=receiver.url)
    survey_app.senders = {"webhook": WebhookSender(secret="wrong", allow_private=True, timeout=2)}
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["failed"]
    assert receiver.rejected == 1 and receiver.received == []


def test_webhook_refuses_private_addresses_at_send_time(survey_app, receiver):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], channel="webhook", webhook_url=receiver.url)
    survey_app.senders = {"webhook": WebhookSender(secret="hook-secret", allow_private=False, timeout=2)}
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["failed"]
    assert "loopback address" in survey_app.invitations()[0]["last_error"] and receiver.received == []


def test_in_app_invitations_are_listed_as_pending(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], channel="in_app", expires_after_minutes=60)
    survey_app.senders = {"in_app": in_app_sender}
    survey_app.post_event("e1", email=None)
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]
    pending = survey_app.call("get", "/v1/customers/c1/pending-surveys", role="ingest")
    assert pending.status_code == 200
    [item] = pending.json
    assert item["title"] == "배송은 어떠셨나요?" and item["url"].startswith("https://cx.example.com/r/")
    with survey_app.session() as session:
        assert find_invitation_by_token(session, item["url"].rsplit("/", 1)[1]).id == item["invitation_id"]
    assert survey_app.call("get", "/v1/customers/c1/pending-surveys", role="analyst").status_code == 403
    survey_app.clock.advance(minutes=61)
    assert survey_app.call("get", "/v1/customers/c1/pending-surveys", role="ingest").json == []
