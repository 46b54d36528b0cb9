"""Overdue cases: listed as overdue; the worker's job reminds the assignee once (run twice, one email
through the outbox to a real SMTP server); unassigned overdue cases are reminded to nobody."""

from __future__ import annotations

import email
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.common.db import make_engine
from services.common.migrate import upgrade
from services.common.outbox import OutboxRelay
from services.notifier.cases.opening import open_case
from services.notifier.cases.reminders import DESTINATION, reminder_handler
from services.notifier.config import TestConfig as NotifierTestConfig
from services.notifier.models import PLATFORM, Case
from services.notifier.worker import case_reminder_job
from tests.conftest import new_database_url
from tests.notifier.cases_support import case_of, person, playbook_body, post_signal
from tests.notifier.support import NOW, signal_body
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
        target_hours=4, default_assignee=person("Kim", lang="ko", time_zone="Asia/Seoul")))
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
    assert "처리 기한: 3월 5일 01:00 Asia/Seoul" in body  # due 16:00 UTC, in the assignee's zone
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


def test_two_workers_remind_each_overdue_case_once(backend, tmp_path):
    """Two reminder jobs at once on PostgreSQL: ``SKIP LOCKED`` gives each case to one of them."""
    if backend != "postgres":
        pytest.skip("concurrent workers need PostgreSQL (on SQLite exactly one worker runs)")
    url = new_database_url(backend, "cx_cases_remind", tmp_path)
    upgrade("notifier", url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            for _ in range(40):
                open_case(session, {**signal_body(), "answered_at": NOW}, now=NOW)
            session.execute(update(Case).values(assignee_id="console-user:7", assignee=person("Kim")))
            session.commit()
        barrier = threading.Barrier(2)
        clock = ManualClock(NOW + timedelta(days=2))

        def work(_):
            job = case_reminder_job(engine, clock, batch_size=5)
            barrier.wait()
            return job()

        with ThreadPoolExecutor(2) as pool:
            counts = list(pool.map(work, range(2)))
        assert sum(counts) == 40
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT count(DISTINCT idempotency_key), count(*) FROM outbox_messages")).one()
            events = connection.execute(text("SELECT count(*) FROM case_events WHERE kind = 'reminded'")).scalar()
        assert tuple(keys) == (40, 40) and events == 40
    finally:
        engine.dispose()
