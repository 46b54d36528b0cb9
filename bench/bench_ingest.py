"""Ingestion benchmark of the survey service under gunicorn (3 sync workers) on PostgreSQL.

Figures, each against a baseline measured in the same run:
- single-event ingestion (``POST /v1/events``) throughput as a ratio of a trivial JSON endpoint
  (``/healthz``) on the same server (goal: at least 0.5);
- batch ingestion (``POST /v1/events/batch``, 500 events per request) in events per second
  (goal: at least 20,000).

The load generator runs in separate processes on 127.0.0.1, each with one keep-alive connection,
for a fixed time. ``python bench/bench_ingest.py`` uses ``CX_TEST_POSTGRES_URL`` (``make bench``
provides one).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN = "bench-admin-key-0123456789"
CLIENTS = 4
SECONDS = 6.0
BATCH = 500


def _event(event_id: str, customer: str) -> dict:
    return {"id": event_id, "type": "order.delivered", "occurred_at": datetime.now(UTC).isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "locale": "ko-KR",
                         "time_zone": "Asia/Seoul", "attributes": {"plan": "gold", "region": "seoul"}},
            "attributes": {"order_id": event_id, "amount": 25000, "channel": "web"}}


def _batch_template(worker: int) -> str:
    """A batch body rendered once, with format fields for what changes per request (the batch id
    and the customers): the generator then costs one ``str.format`` per batch, not 500 dicts and a
    JSON encoding, so it takes less of the two cores the server also runs on."""
    items = [_event(f"@ID@-{i}", f"c{worker}-@C{i}@") for i in range(BATCH)]
    text = json.dumps({"events": items}).replace("{", "{{").replace("}", "}}").replace("@ID@", "{0}")
    for i in range(BATCH):
        text = text.replace(f"@C{i}@", "{%d}" % (i + 1))
    return text


def _batch_body(template: str, batch_id: str, done: int) -> bytes:
    """Customers cycle through 20,000 per client."""
    return template.format(batch_id, *((done * BATCH + i) % 20000 for i in range(BATCH))).encode()


def _load(args: tuple[str, str, float, int, multiprocessing.Queue]) -> None:
    base, kind, seconds, worker, queue = args
    headers = {"Authorization": f"Bearer {ADMIN}"}
    done = events = errors = 0
    prefix = f"{kind}-{worker}-{uuid.uuid4().hex[:6]}"
    template = _batch_template(worker) if kind == "batch" else ""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if kind == "ping":
                reply = client.get("/healthz")
                ok, count = reply.status_code == 200, 0
            elif kind == "event":
                reply = client.post("/v1/events", json=_event(f"{prefix}-{done}", f"c{worker}-{done % 5000}"))
                ok, count = reply.status_code == 201, 1
            else:
                reply = client.post("/v1/events/batch", content=_batch_body(template, f"{prefix}-{done}", done),
                                    headers={"Content-Type": "application/json"})
                ok = reply.status_code == 200
                count = reply.json()["accepted"] if ok else 0
            done += 1 if ok else 0
            events += count
            errors += 0 if ok else 1
    queue.put((done, events, errors))


def measure(base: str, kind: str, *, clients: int = CLIENTS, seconds: float = SECONDS) -> dict:
    """Requests/s and events/s of one kind of load, from ``clients`` processes."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_load, args=((base, kind, seconds, i, queue),)) for i in range(clients)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    requests, events, errors = (sum(r[i] for r in results) for i in range(3))
    window = max(seconds, 1e-9)
    return {"requests_per_s": requests / window, "events_per_s": events / window, "errors": errors,
            "wall_s": elapsed}


def _start_server(pg_url: str, port: int, logs: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"SURVEY_DATABASE_URL": pg_url, "CX_ADMIN_KEY": ADMIN, "CX_BIND": f"127.0.0.1:{port}",
                "CX_WEB_WORKERS": "3", "CX_LOG_LEVEL": "WARNING",
                "PROMETHEUS_MULTIPROC_DIR": str(logs / "prometheus")})
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                             "services.survey.app:create_app()"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=open(logs / "web.log", "wb"), stderr=subprocess.STDOUT)


def _fresh_database(admin_url: str) -> str:
    from services.common.db import create_database
    from services.common.migrate import upgrade

    url = create_database(admin_url, "cx_bench")
    upgrade("survey", url)
    return url


def run(pg_url: str) -> list[dict]:
    """Run the ingestion benchmark against a fresh database on ``pg_url``'s server; one row per figure."""
    from tests.support import free_port

    url = _fresh_database(pg_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="cx-bench-ingest-"))
    server = _start_server(url, port, logs)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        measure(base, "event", clients=2, seconds=1.0)  # warm up connections and caches
        ping = measure(base, "ping")
        single = measure(base, "event")
        batch = measure(base, "batch", clients=3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    ratio = single["requests_per_s"] / ping["requests_per_s"]
    return [
        {"figure": "GET /healthz (baseline), req/s", "value": ping["requests_per_s"], "baseline": None,
         "ratio": None, "goal": None},
        {"figure": "POST /v1/events, req/s", "value": single["requests_per_s"],
         "baseline": ping["requests_per_s"], "ratio": ratio, "goal": ">= 0.5 x baseline",
         "errors": single["errors"]},
        {"figure": "POST /v1/events/batch (500/req), events/s", "value": batch["events_per_s"],
         "baseline": single["events_per_s"], "ratio": batch["events_per_s"] / max(single["events_per_s"], 1e-9),
         "goal": ">= 20000 events/s", "errors": batch["errors"]},
    ]


def print_table(rows: list[dict]) -> None:
    """Figure, value, baseline, ratio, goal."""
    print(f"{'figure':44} {'value':>10} {'baseline':>10} {'ratio':>7}  goal")
    for row in rows:
        baseline = "" if row["baseline"] is None else f"{row['baseline']:10.0f}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:7.2f}"
        print(f"{row['figure']:44} {row['value']:10.0f} {baseline:>10} {ratio:>7}  {row['goal'] or ''}")


if __name__ == "__main__":
    postgres = os.environ.get("CX_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit("set CX_TEST_POSTGRES_URL (make bench runs under scripts/with_postgres.py)")
    print_table(run(postgres))
