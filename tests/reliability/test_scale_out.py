"""Scale-out on one PostgreSQL per service, real processes: two gunicorn instances and two workers of
a service compete for the same rows. Invitations that all fall due at once are each sent once through
a real SMTP server; score-drop subscriptions that all fire at once each send their notice once."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import cycle

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.processes import CLOCKED_NOTIFIER_WORKER, ROOT, Process, wait_until
from tests.metrics.scores_support import nps_hour
from tests.reliability.conftest import sized
from tests.reliability.stacks import Stack
from tests.support import free_port
from tests.survey.conftest import event_body, survey_body
from tests.survey.receivers import SmtpServer

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
INVITATIONS = sized(10_000, 1_000)
SUBSCRIPTIONS = sized(200, 50)
BATCH = 250




class ClockedWorker(Process):
    """A notifier worker process on the file clock."""

    def __init__(self, stack: Stack, clock_file, name: str) -> None:
        super().__init__("notifier", "worker", stack.env, stack.logs, name=name)
        self.clock_file = clock_file

    def start(self) -> "ClockedWorker":
        self.process = subprocess.Popen(
            [sys.executable, "-c", CLOCKED_NOTIFIER_WORKER, str(self.clock_file)], cwd=ROOT,
            env={**self.env, "PYTHONUNBUFFERED": "1"}, start_new_session=True, stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT)
        return self


def _clients(stack: Stack, service: str) -> list[httpx.Client]:
    """One admin client per gunicorn instance of ``service``."""
    return [stack.client(service, p.url) for p in stack.processes if p.service == service and p.kind == "web"]


def _second_web(stack: Stack, service: str) -> Process:
    return stack.web(service, port=free_port(), workers=2, name=f"{service}-web-2")


def test_invitations_due_at_once_are_each_sent_once_by_two_workers(tmp_path):
    smtp = SmtpServer()
    stack = Stack(tmp_path, ("survey",), extra={"SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(smtp.port)})
    try:
        stack.web("survey", workers=2)
        _second_web(stack, "survey")
        stack.worker("survey", name="survey-worker-1")
        stack.worker("survey", name="survey-worker-2")
        webs = _clients(stack, "survey")
        assert len(webs) == 2
        created = webs[0].post("/v1/surveys", json=survey_body(recontact_days=0)).json()
        assert webs[1].post(f"/v1/surveys/{created['id']}/publish").status_code == 201
        trigger = webs[0].post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                                     "survey_id": created["id"], "channel": "email"})
        assert trigger.status_code == 201, trigger.text
        now = datetime.now(UTC)
        instances = cycle(webs)
        for start in range(0, INVITATIONS, BATCH):
            batch = [event_body(f"so-{n}", customer=f"so-c{n}", occurred_at=now, attributes={"order_id": f"o{n}"})
                     for n in range(start, min(start + BATCH, INVITATIONS))]
            reply = next(instances).post("/v1/events/batch", json={"events": batch})
            assert reply.status_code == 200 and reply.json()["accepted"] == len(batch), reply.text[:500]

        assert wait_until(lambda: len(smtp.messages) >= INVITATIONS, max(120, INVITATIONS / 15), 1), (
            len(smtp.messages), stack.log_tail("survey-worker-1"), stack.log_tail("survey-worker-2"))
        time.sleep(3)  # time for a duplicate to show up, if any
        messages = smtp.messages
        per_invitation = Counter(m["X-Cx-Invitation"] for m in messages)
        assert len(messages) == INVITATIONS and set(per_invitation.values()) == {1}, per_invitation.most_common(3)
        assert Counter(m["To"] for m in messages) == Counter({f"so-c{n}@example.com": 1 for n in range(INVITATIONS)})

        engine = create_engine(stack.databases["survey"])
        with engine.connect() as connection:
            states = dict(connection.execute(text("SELECT status, count(*) FROM invitations GROUP BY status")).all())
            ids = set(connection.execute(text("SELECT CAST(id AS TEXT) FROM invitations")).scalars())
        engine.dispose()
        assert _heartbeats(stack, "survey") == 2  # both workers ran side by side
        assert states == {"sent": INVITATIONS}, states
        assert set(per_invitation) == ids
    finally:
        stack.close()
        smtp.stop()


def _heartbeats(stack: Stack, service: str) -> int:
    """How many worker processes of ``service`` have recorded a heartbeat."""
    engine = create_engine(stack.databases[service])
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM worker_heartbeats")).scalar()
    finally:
        engine.dispose()


def test_score_drop_alerts_fire_once_per_subscription_with_two_notifier_instances(tmp_path):
    smtp = SmtpServer()
    stack = Stack(tmp_path, ("metrics", "notifier"), extra={
        "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp.port),
        "NOTIFIER_EVALUATION_INTERVAL_SECONDS": "1", "NOTIFIER_OUTBOX_INTERVAL_SECONDS": "0.5",
        "NOTIFIER_SETTLE_SECONDS": "0", "NOTIFIER_HEARTBEAT_SECONDS": "5"})
    try:
        stack.web("metrics", workers=2)
        stack.web("notifier", workers=2)
        _second_web(stack, "notifier")
        metrics, notifiers = stack.client("metrics"), _clients(stack, "notifier")
        assert len(notifiers) == 2
        # four steady hours (NPS 30) then a drop (NPS -25); windows end after the real time, so the
        # subscriptions, created on the real clock, are due as soon as the workers' clock moves on
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
        batches = [nps_hour(hour + timedelta(hours=k), 100, 60, 40, f"w{k}") for k in range(4)]
        batches.append(nps_hour(hour + timedelta(hours=4), 50, 50, 100, "w4"))
        for batch in batches:
            reply = metrics.post("/v1/responses/batch", json={"responses": batch})
            assert reply.status_code == 200, reply.text[:500]
        clock_file = stack.var / "now"
        clock_file.write_text((hour + timedelta(hours=5, minutes=1)).isoformat())

        instances = cycle(notifiers)
        addresses = [f"lead-{k}@example.com" for k in range(SUBSCRIPTIONS)]
        for k, address in enumerate(addresses):
            body = {"name": f"배송 NPS {k}", "metric": "nps", "scope": {"touchpoint": ["delivery"]}, "lang": "ko",
                    "rule": {"kind": "drop", "window": "1h", "baseline": "last_n", "baseline_windows": 4,
                             "alpha": 0.05, "min_drop": 5, "min_n": 30},
                    "channels": [{"type": "email", "address": address}], "cooldown_minutes": 60}
            reply = next(instances).post("/v1/subscriptions", json=body)
            assert reply.status_code == 201, reply.text
        for number in (1, 2):
            worker = ClockedWorker(stack, clock_file, f"notifier-worker-{number}").start()
            stack.processes.append(worker)

        assert wait_until(lambda: len(smtp.messages) >= SUBSCRIPTIONS, 120, 1), (
            len(smtp.messages), stack.log_tail("notifier-worker-1"), stack.log_tail("notifier-worker-2"))
        # the clock moves on inside the cooldown: the decided window must not be sent again
        clock_file.write_text((hour + timedelta(hours=5, minutes=31)).isoformat())
        time.sleep(5)
        messages = smtp.messages
        assert Counter(m["To"] for m in messages) == Counter({address: 1 for address in addresses})
        assert all("점수 하락" in m["Subject"] for m in messages), {m["Subject"] for m in messages}

        assert _heartbeats(stack, "notifier") == 2
        alerts = notifiers[1].get("/v1/alerts", params={"limit": 500})
        assert alerts.status_code == 200, alerts.text[:300]
        episodes = alerts.json()["episodes"]
        assert len(episodes) == SUBSCRIPTIONS
        assert len({e["subscription_id"] for e in episodes}) == SUBSCRIPTIONS
        assert all([d["status"] for d in e["deliveries"]] == ["delivered"] for e in episodes), episodes[:2]
    finally:
        stack.close()
        smtp.stop()
