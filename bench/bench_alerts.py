"""Benchmark: evaluating N alert subscriptions through the notifier's evaluation path, against N bare
``/v1/scores/compare`` calls to the same metrics server in the same run (goal: ratio <= 1.2).

``python bench/bench_alerts.py`` under ``scripts/with_postgres.py`` (``CX_TEST_POSTGRES_URL``).
``BENCH_ALERTS_N`` sets N (default 10,000, as the issue asks; a smaller N gives the same ratio faster).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.clock import ManualClock  # noqa: E402
from services.common.db import create_database, make_engine  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.notifier.clients.metrics import MetricsClient  # noqa: E402
from services.notifier.config import Config  # noqa: E402
from services.notifier.evaluation import _params  # noqa: E402
from services.notifier.rules.windows import closed_window_end  # noqa: E402
from services.notifier.subscriptions import create_subscription, rule_window  # noqa: E402
from services.notifier.worker import evaluation_job  # noqa: E402

ADMIN = "bench-alerts-admin-key-01"
TOUCHPOINTS = ("delivery", "support", "returns", "checkout")


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _responses(now: datetime, count: int) -> list[dict]:
    items = []
    for i in range(count):
        stamp = (now - timedelta(days=60) + timedelta(minutes=43 * i)).isoformat()
        items.append({"response_id": f"b-{i}", "version": 1, "survey_id": "s-1", "survey_version": 1,
                      "touchpoint": TOUCHPOINTS[i % 4], "channel": "email", "customer_id": f"c-{i}",
                      "invitation_id": None, "event_type": "x", "event_at": stamp, "lang": "en", "attributes": {},
                      "completed": True, "created_at": stamp, "updated_at": stamp, "completed_at": stamp,
                      "answers": [{"question_key": "q_nps", "type": "nps", "value": (i * 7) % 11}]})
    return items


def run(pg_url: str, count: int | None = None) -> list[dict]:
    """Time N evaluations and N bare compare calls against one metrics gunicorn; return the rows."""
    count = count or int(os.environ.get("BENCH_ALERTS_N", "10000"))
    metrics_db, notifier_db = create_database(pg_url, "bench_metrics"), create_database(pg_url, "bench_notifier")
    upgrade("metrics", metrics_db)
    upgrade("notifier", notifier_db)
    port = _free_port()
    env = {**os.environ, "CX_ADMIN_KEY": ADMIN, "METRICS_DATABASE_URL": metrics_db, "CX_BIND": f"127.0.0.1:{port}",
           "CX_WEB_WORKERS": "2", "CX_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                               "services.metrics.app:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        now = datetime.now(UTC)
        batch = _responses(now, 2000)
        for start in range(0, len(batch), 500):
            httpx.post(f"{base}/v1/responses/batch", json={"responses": batch[start:start + 500]},
                       headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60).raise_for_status()
        engine = make_engine(notifier_db)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        subscriptions = []
        with session_factory() as session:
            for i in range(count):
                body = {"name": f"s{i}", "metric": "nps", "scope": {"touchpoint": [TOUCHPOINTS[i % 4]]},
                        "rule": {"kind": "drop", "window": "7d", "baseline": "last_n", "baseline_windows": 4,
                                 "alpha": 0.05 + (i % 50) / 1000, "min_drop": 5, "min_n": 30},
                        "channels": [{"type": "email", "address": "lead@example.com"}]}
                subscriptions.append(create_subscription(session, body, owner="bench", now=now))
        config = Config({"CX_ADMIN_KEY": ADMIN, "NOTIFIER_DATABASE_URL": notifier_db,
                         "NOTIFIER_METRICS_URL": base, "CX_VAR_DIR": tempfile.mkdtemp(prefix="cx-bench-alerts-"),
                         "NOTIFIER_SETTLE_SECONDS": "0", "NOTIFIER_EVALUATION_BATCH_SIZE": "100"})
        client = MetricsClient.from_config(config)
        end = closed_window_end(now, rule_window(subscriptions[0].rule))
        calls = [_params(s, rule_window(s.rule), end) for s in subscriptions]
        client.compare(calls[0])  # warm up both paths' connections
        started = time.perf_counter()
        for params in calls:
            client.compare(params)
        bare = time.perf_counter() - started
        job = evaluation_job(config, engine, ManualClock(now + timedelta(seconds=1)), metrics=client,
                             max_batches=count)
        started = time.perf_counter()
        evaluated = job()
        through_notifier = time.perf_counter() - started
        assert evaluated == count, (evaluated, count)
        client.close()
        engine.dispose()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    ratio = through_notifier / bare
    return [{"figure": f"evaluate {count} subscriptions (s)", "value": round(through_notifier, 2),
             "baseline": round(bare, 2), "ratio": round(ratio, 3), "goal": "<= 1.2"}]


if __name__ == "__main__":
    url = os.environ.get("CX_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set CX_TEST_POSTGRES_URL (make bench does)")
    for row in run(url):
        print(row)
