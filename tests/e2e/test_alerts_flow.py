"""Score-drop alerts end to end on PostgreSQL with real processes: metrics gunicorn, notifier gunicorn,
two notifier workers, a real SMTP server and a webhook receiver that verifies the signature.

The workers run the real ``build_jobs`` with one change: their clock reads the time from a file the
test moves forward, so hour-long windows can close within seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.common.migrate import upgrade
from tests.conftest import new_postgres_database
from tests.e2e.processes import CLOCKED_NOTIFIER_WORKER, wait_until
from tests.metrics.scores_support import nps_hour
from tests.support import free_port, verified

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-alerts-admin-key-0123"
SECRET = "webhook-secret-0123456789"
pytestmark = pytest.mark.e2e

WORKER = CLOCKED_NOTIFIER_WORKER


class Inbox:
    def __init__(self):
        self.subjects: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy
        self.subjects.append(email.message_from_bytes(envelope.content, policy=policy.default)["Subject"])
        return "250 OK"


class Receiver:
    """Accepts only correctly signed, fresh notices; records (idempotency key, kind)."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        self.rejected = 0
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        if not verified(SECRET, request.headers, body):
            self.rejected += 1
            return Response("bad signature", status=401)(environ, start_response)
        self.received.append((request.headers["Idempotency-Key"], json.loads(body)["kind"]))
        return Response("ok")(environ, start_response)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    metrics_url, notifier_url = new_postgres_database("cx_e2e_metrics"), new_postgres_database("cx_e2e_notifier")
    upgrade("metrics", metrics_url)
    upgrade("notifier", notifier_url)
    folder = tmp_path_factory.mktemp("alerts")
    clock_file = folder / "now"
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    receiver = Receiver()
    ports = {"metrics": free_port(), "notifier": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"CX_ADMIN_KEY": ADMIN, "METRICS_DATABASE_URL": metrics_url, "NOTIFIER_DATABASE_URL": notifier_url,
                "NOTIFIER_METRICS_URL": f"http://127.0.0.1:{ports['metrics']}", "CX_VAR_DIR": str(folder),
                "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp.port),
                "NOTIFIER_ALLOW_PRIVATE_WEBHOOKS": "1", "NOTIFIER_EVALUATION_INTERVAL_SECONDS": "1",
                "NOTIFIER_OUTBOX_INTERVAL_SECONDS": "0.5", "NOTIFIER_SETTLE_SECONDS": "0",
                "NOTIFIER_HEARTBEAT_SECONDS": "5", "CX_WEB_WORKERS": "2"})
    processes = []
    for name, port in ports.items():
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             f"services.{name}.app:create_app()"], cwd=ROOT, env={**env, "CX_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=open(folder / f"{name}.log", "wb"), start_new_session=True))
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for base in bases.values():
        assert wait_until(lambda b=base: _healthy(b)), f"{base} did not start"
    state = {"bases": bases, "inbox": inbox, "receiver": receiver, "clock_file": clock_file, "env": env,
             "folder": folder, "processes": processes}
    yield state
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    smtp.stop()
    receiver.server.shutdown()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _start_workers(stack, count: int) -> None:
    for index in range(count):
        stack["processes"].append(subprocess.Popen(
            [sys.executable, "-c", WORKER, str(stack["clock_file"])], cwd=ROOT, env=stack["env"],
            stdout=subprocess.DEVNULL, stderr=open(stack["folder"] / f"worker-{index}.log", "wb"),
            start_new_session=True))


def test_drop_alert_cooldown_and_resolution_with_two_workers(stack):
    headers = {"Authorization": f"Bearer {ADMIN}"}
    metrics, notifier = stack["bases"]["metrics"], stack["bases"]["notifier"]
    # windows end after the real time, so the subscription (created on the real clock) is already due
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
    batches = [nps_hour(hour + timedelta(hours=k), 100, 60, 40, f"w{k}") for k in range(4)]  # NPS 30
    batches.append(nps_hour(hour + timedelta(hours=4), 50, 50, 100, "w4"))                   # NPS -25
    for batch in batches:
        reply = httpx.post(f"{metrics}/v1/responses/batch", json={"responses": batch}, headers=headers, timeout=30)
        assert reply.status_code == 200, reply.text
    stack["clock_file"].write_text((hour + timedelta(hours=5, minutes=1)).isoformat())
    body = {"name": "배송 NPS", "metric": "nps", "scope": {"touchpoint": ["delivery"]}, "lang": "ko",
            "rule": {"kind": "drop", "window": "1h", "baseline": "last_n", "baseline_windows": 4,
                     "alpha": 0.05, "min_drop": 5, "min_n": 30},
            "channels": [{"type": "email", "address": "lead@example.com"},
                         {"type": "webhook", "url": stack["receiver"].url, "secret": SECRET}],
            "cooldown_minutes": 60}
    reply = httpx.post(f"{notifier}/v1/subscriptions", json=body, headers=headers, timeout=10)
    assert reply.status_code == 201, reply.text
    _start_workers(stack, 2)
    inbox, receiver = stack["inbox"], stack["receiver"]
    assert wait_until(lambda: len(inbox.subjects) >= 1 and len(receiver.received) >= 1, 60)
    assert "점수 하락" in inbox.subjects[0]
    # the window stays decided; 30 minutes later the cooldown (60) still holds the repeat back
    stack["clock_file"].write_text((hour + timedelta(hours=5, minutes=31)).isoformat())
    time.sleep(6)
    assert len(inbox.subjects) == 1 and [k for _, k in receiver.received] == ["firing"]
    # the next hour recovers: one resolved notice
    reply = httpx.post(f"{metrics}/v1/responses/batch", headers=headers, timeout=30,
                       json={"responses": nps_hour(hour + timedelta(hours=5), 100, 60, 40, "w5")})
    assert reply.status_code == 200
    stack["clock_file"].write_text((hour + timedelta(hours=6, minutes=1)).isoformat())
    assert wait_until(lambda: len(receiver.received) >= 2 and len(inbox.subjects) >= 2, 60)
    time.sleep(5)
    assert [k for _, k in receiver.received] == ["firing", "resolved"]
    assert len(inbox.subjects) == 2 and "회복" in inbox.subjects[1]
    assert len({key for key, _ in receiver.received}) == len(receiver.received)  # never sent twice
    assert receiver.rejected == 0
    alerts = httpx.get(f"{notifier}/v1/alerts", headers=headers, timeout=10).json()
    episode = alerts["episodes"][0]
    assert len(alerts["episodes"]) == 1 and episode["state"] == "resolved"
    assert {d["status"] for d in episode["deliveries"]} == {"delivered"} and len(episode["deliveries"]) == 4
