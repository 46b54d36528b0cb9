"""Overdue cases: listed as overdue; the worker's job reminds the assignee once (run twice, one email
through the outbox to a real SMTP server); unassigned overdue cases are reminded to nobody."""

from __future__ import annotations

import email
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from services.common.clock import ManualClock
from services.common.outbox import OutboxRelay
from services.notifier.cases.reminders import DESTINATION, reminder_handler
from services.notifier.config import TestConfig as NotifierTestConfig
from services.notifier.models import PLATFORM
from services.notifier.worker import case_reminder_job
from tests.notifier.cases_support import case_of, person, playbook_body, post_signal
from tests.notifier.support import NOW
from tests.support import ADMIN_KEY, ConnectionAsEngine, auth, free_port

ADMIN = auth(ADMIN_KEY)
CONSOLE = "https://console.example.com"


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def mailing_notifier(make_service, smtp):
    port, inbox = smtp
    env = {"NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(port), "NOTIFIER_CONSOLE_URL": CONSOLE,
           "NOTIFIER_MAIL_FROM": "cxloop <alerts@example.com>"}
    service = make_service("notifier", clock=ManualClock(NOW), env=env)
    service.http, service.clock, service.inbox = service.client(), service.app.extensions["clock"], inbox
    config = NotifierTestConfig({**env, "NOTIFIER_DATABASE_URL": "sqlite://"})
    engine = ConnectionAsEngine(service.connection)
    service.relay = OutboxRelay(engine, PLATFORM, {DESTINATION: reminder_handler(config, engine, clock=service.clock)},
                                service="notifier")
    service.remind = case_reminder_job(service.connection, service.clock)
    return service


def reminders_queued(service) -> int:
    return service.connection.execute(text("SELECT count(*) FROM outbox_messages WHERE destination = :d"),
                                      {"d": DESTINATION}).scalar()


def test_an_overdue_case_is_reminded_once_to_its_assignee(mailing_notifier):
    service = mailing_notifier
    service.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body(
        target_hours=4, default_assignee=person("Kim", lang="ko")))
    case = case_of(service, post_signal(service)["response_id"])
    unassigned = case_of(service, post_signal(service, touchpoint="support")["response_id"])  # 24 h default
    service.clock.advance(hours=3)
    assert service.remind() == 0  # not due yet
    service.clock.advance(hours=2)
    overdue = service.http.get("/v1/cases", headers=ADMIN, query_string={"view": "overdue"}).json["items"]
    assert [c["id"] for c in overdue] == [case["id"]]
    assert service.remind() == 1
    assert service.remind() == 0  # the second run finds nothing to remind
    assert reminders_queued(service) == 1
    result = service.relay.drain(service.clock.now)
    assert result.delivered == 1 and result.dead == 0, result.errors
    [mail] = service.inbox.messages
    assert mail["To"] == "kim@example.com" and mail["Subject"].startswith(f"기한이 지난 케이스 #{case['id']}")
    body = mail.get_body(("plain",)).get_content()
    assert f"{CONSOLE}/cases/{case['id']}" in body and "24시간 안에 전화하고 재배송을 제안하세요" in body
    history = service.http.get(f"/v1/cases/{case['id']}", headers=ADMIN).json
    assert history["history"][-1]["kind"] == "reminded" and history["reminded_at"] == (NOW.replace(hour=17)).isoformat()
    service.clock.advance(days=2)  # the unassigned case is overdue too, listed, reminded to nobody
    overdue = service.http.get("/v1/cases", headers=ADMIN, query_string={"view": "overdue"}).json["items"]
    assert {c["id"] for c in overdue} == {case["id"], unassigned["id"]}
    assert service.remind() == 0 and reminders_queued(service) == 1


def test_a_case_assigned_after_it_became_overdue_is_reminded_then_and_a_resolved_one_never(mailing_notifier):
    service = mailing_notifier
    late = case_of(service, post_signal(service)["response_id"])
    done = case_of(service, post_signal(service)["response_id"])
    service.http.post(f"/v1/cases/{done['id']}/assign", headers=ADMIN, json={"assignee": person("Lee")})
    service.http.post(f"/v1/cases/{done['id']}/resolve", headers=ADMIN, json={"outcome": "resolved"})
    service.clock.advance(hours=25)
    assert service.remind() == 0
    service.http.post(f"/v1/cases/{late['id']}/assign", headers=ADMIN, json={"assignee": person("Park")})
    assert service.remind() == 1
    service.relay.drain(service.clock.now)
    [mail] = service.inbox.messages
    assert mail["To"] == "park@example.com" and mail["Content-Language"] == "en"
    assert mail["Subject"].startswith(f"Overdue case #{late['id']}")


def test_a_reminder_for_a_case_resolved_before_it_went_out_is_not_sent(mailing_notifier):
    service = mailing_notifier
    case = case_of(service, post_signal(service)["response_id"])
    service.http.post(f"/v1/cases/{case['id']}/assign", headers=ADMIN, json={"assignee": person("Lee")})
    service.clock.advance(hours=25)
    assert service.remind() == 1
    service.http.post(f"/v1/cases/{case['id']}/resolve", headers=ADMIN, json={"outcome": "resolved"})
    result = service.relay.drain(service.clock.now)
    assert result.dead == 1 and service.inbox.messages == []
