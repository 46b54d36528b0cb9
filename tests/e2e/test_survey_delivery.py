"""Survey delivery end to end on PostgreSQL: real gunicorn, two real worker processes, a real SMTP
server (aiosmtpd) and a webhook receiver that checks the signature. Events go in over HTTP; every
invitation arrives exactly once, although two workers compete for them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from services.common.migrate import upgrade
from tests.conftest import new_postgres_database
from tests.e2e.processes import wait_until
from tests.support import free_port
from tests.survey.conftest import event_body, survey_body
from tests.survey.receivers import SmtpServer, WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-survey-admin-key-0123"
HOOK_SECRET = "e2e-hook-secret"
pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    url = new_postgres_database("cx_e2e_survey")
    upgrade("survey", url)
    smtp, hook = SmtpServer(), WebhookReceiver(HOOK_SECRET)
    var = tmp_path_factory.mktemp("survey-e2e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"SURVEY_DATABASE_URL": url, "CX_ADMIN_KEY": ADMIN, "CX_VAR_DIR": str(var),
                "CX_PUBLIC_BASE_URL": base, "SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(smtp.port),
                "SURVEY_WEBHOOK_SECRET": HOOK_SECRET, "SURVEY_ALLOW_PRIVATE_WEBHOOKS": "1",
                "SURVEY_TOKEN_SECRET": "e2e-token-secret", "SURVEY_CONTACT_BUDGET_MAX": "10",
                "SURVEY_DISPATCH_INTERVAL_SECONDS": "0.3", "SURVEY_MATCH_INTERVAL_SECONDS": "0.3",
                "PYTHONUNBUFFERED": "1"})
    logs = var / "logs"
    logs.mkdir()
    processes = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "services.survey.app:create_app()"], cwd=ROOT, start_new_session=True,
        env={**env, "CX_BIND": f"127.0.0.1:{port}", "CX_WEB_WORKERS": "2",
             "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus")},
        stdout=open(logs / "web.log", "wb"), stderr=subprocess.STDOUT)]
    for number in (1, 2):
        processes.append(subprocess.Popen([sys.executable, "-m", "services.survey.worker"], cwd=ROOT, env=env,
                                          start_new_session=True, stdout=open(logs / f"worker{number}.log", "wb"),
                                          stderr=subprocess.STDOUT))

    def healthy():
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    assert wait_until(healthy, 30), (logs / "web.log").read_text()
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)
    yield {"client": client, "smtp": smtp, "hook": hook, "base": base, "logs": logs}
    client.close()
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    smtp.stop()
    hook.stop()


def test_events_over_http_are_delivered_once_by_email_and_signed_webhook(stack):
    client, smtp, hook = stack["client"], stack["smtp"], stack["hook"]
    survey = client.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert client.post(f"/v1/surveys/{survey['id']}/publish").status_code == 201
    email = client.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                              "survey_id": survey["id"], "channel": "email",
                                              "cancel_on": ["order.returned"], "cancel_match_attribute": "order_id"})
    assert email.status_code == 201, email.text
    webhook = client.post("/v1/triggers", json={"name": "support", "event_type": "ticket.closed",
                                                "survey_id": survey["id"], "channel": "webhook",
                                                "webhook_url": hook.url, "priority": 5})
    assert webhook.status_code == 201, webhook.text
    now = datetime.now(UTC)
    batch = [event_body(f"d{i}", customer=f"cust{i}", occurred_at=now, attributes={"order_id": f"o{i}"})
             for i in range(40)]
    reply = client.post("/v1/events/batch", json={"events": batch})
    assert reply.status_code == 200 and reply.json()["accepted"] == 40
    for i in range(5):
        single = client.post("/v1/events", json=event_body(f"t{i}", customer=f"cust{i}", type_="ticket.closed",
                                                           occurred_at=now, attributes={}))
        assert single.status_code == 201

    assert wait_until(lambda: len(smtp.messages) >= 40 and len(hook.received) >= 5, 60), (
        len(smtp.messages), len(hook.received), (stack["logs"] / "worker1.log").read_text()[-3000:])
    time.sleep(2)  # time for a duplicate to show up, if any
    invitation_ids = Counter(m["X-Cx-Invitation"] for m in smtp.messages)
    assert len(invitation_ids) == 40 and set(invitation_ids.values()) == {1}
    assert Counter(r["key"] for r in hook.received).most_common(1)[0][1] == 1 and len(hook.received) == 5
    assert hook.rejected == 0

    message = next(m for m in smtp.messages if m["To"] == "cust0@example.com")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert re.search(re.escape(stack["base"]) + r"/r/[A-Za-z0-9_-]{32,}\?score=9&q=nps", plain)
    unsubscribe_url = message["List-Unsubscribe"].strip("<>")
    assert httpx.get(unsubscribe_url, timeout=5).status_code == 200
    assert client.get("/v1/customers/cust0").json()["unsubscribed_at"] is None  # GET never unsubscribes
    assert httpx.post(unsubscribe_url, data={"List-Unsubscribe": "One-Click"}, timeout=5).status_code == 200
    assert client.get("/v1/customers/cust0").json()["unsubscribed_at"] is not None

    sent = client.get("/v1/invitations", params={"status": "sent", "limit": 1000}).json()
    assert len(sent) == 45


def test_a_return_cancels_a_delayed_delivery_survey(stack):
    client = stack["client"]
    survey = client.post("/v1/surveys", json=survey_body(name="delayed", recontact_days=0)).json()
    client.post(f"/v1/surveys/{survey['id']}/publish")
    trigger = client.post("/v1/triggers", json={"name": "later", "event_type": "order.shipped",
                                                "survey_id": survey["id"], "channel": "in_app",
                                                "delay_minutes": 60, "cancel_on": ["order.returned"]}).json()
    now = datetime.now(UTC)
    client.post("/v1/events", json=event_body("s1", customer="ret", type_="order.shipped", occurred_at=now))
    client.post("/v1/events", json=event_body("r1", customer="ret", type_="order.returned", occurred_at=now))

    def status():
        found = client.get("/v1/invitations", params={"trigger_id": trigger["id"]}).json()
        return found and found[0]["status"] == "cancelled" and found[0]
    cancelled = wait_until(status, 20)
    assert cancelled and "order.returned" in cancelled["reason"]
