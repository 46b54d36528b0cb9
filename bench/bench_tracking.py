"""Segment-compatible ingestion benchmark: ``POST /v1/batch`` with 500-event batches as the Segment
Python SDK sends them against the native ``POST /v1/events/batch`` (500 events per request), both on
the same gunicorn (3 sync workers) and PostgreSQL database in the same run (goal: at least 0.8 of
native).

What is compared is the server's work, so both loads cost their generator the same: each Segment
generator process builds its 500 track messages with the SDK's own client (``Client(send=False)``
runs the SDK's message pipeline and hands the message back) and encodes the batch once exactly as
the SDK's transport does (``segment.analytics.request.post``: ``json.dumps`` with the SDK's
``DatetimeSerializer``, ``sentAt`` and ``writeKey`` in the body, Basic auth with the write key, the
SDK's ``User-Agent``), as a template in which only the ``messageId`` prefix and the users change
between batches, as the native load's template does; both post with the same HTTP client. (Sending
through the SDK's transport itself spends the two cores on the SDK's per-batch encoding and
``requests``, which a real source runs on its own machines; ``tests/e2e/test_segment_sdks.py``
runs the real SDKs end to end.) The two loads alternate over four rounds (these machines' load
changes within a minute); events per second count the events each reply says were accepted.
``python bench/bench_tracking.py`` uses ``CX_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import ADMIN, BATCH, SECONDS, _fresh_database, _start_server, measure  # noqa: E402

CLIENTS = 4  # one more than the server's workers for both loads, so no worker waits for a client's next batch
ROUNDS = 4  # native and Segment loads alternate; each figure is the mean of its rounds
ROUND_SECONDS = 4.0


def _sdk_messages(worker: int) -> list[dict]:
    """500 track messages built by the Segment SDK's client pipeline (nothing sent)."""
    from segment.analytics.client import Client

    client = Client("unused", send=False, thread=1)
    messages = []
    for i in range(BATCH):
        _, message = client.track(f"c{worker}-{i}", "Order Delivered",
                                  {"order_id": f"o-{i}", "amount": 25000, "channel": "web"},
                                  context={"locale": "ko-KR", "timezone": "Asia/Seoul",
                                           "traits": {"email": f"c{worker}-{i}@example.com"}})
        messages.append(message)
    client.shutdown()
    return messages


def _sdk_template(worker: int, write_key: str) -> str:
    """The SDK transport's body for one batch, as a ``str.format`` template: ``{0}`` is the batch's
    messageId prefix and ``{1}``..``{500}`` its users."""
    from segment.analytics.request import DatetimeSerializer

    messages = [{**message, "messageId": f"@ID@-{i}", "userId": f"c{worker}-@C{i}@"}
                for i, message in enumerate(_sdk_messages(worker))]
    body = {"batch": messages, "sentAt": datetime.now(UTC).isoformat(), "writeKey": write_key}
    text = json.dumps(body, cls=DatetimeSerializer).replace("{", "{{").replace("}", "}}").replace("@ID@", "{0}")
    for i in range(BATCH):
        text = text.replace(f"@C{i}@", "{%d}" % (i + 1))
    return text


def _load(args: tuple[str, str, float, int, multiprocessing.Queue]) -> None:
    from segment.analytics.version import VERSION

    base, write_key, seconds, worker, queue = args
    template = _sdk_template(worker, write_key)
    prefix = uuid.uuid4().hex[:8]
    headers = {"Content-Type": "application/json", "User-Agent": f"analytics-python/{VERSION}"}
    done = events = errors = 0
    with httpx.Client(base_url=base, headers=headers, auth=(write_key, ""), timeout=30) as client:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            body = template.format(f"{prefix}-{done}", *((done * BATCH + i) % 20000 for i in range(BATCH)))
            reply = client.post("/v1/batch", content=body.encode())
            if reply.status_code == 200:
                done += 1
                events += reply.json()["accepted"]
            else:  # an error is counted, not raised: the figure says how many
                errors += 1
    queue.put((done, events, errors))


def measure_segment(base: str, write_key: str, *, clients: int = CLIENTS, seconds: float = SECONDS) -> dict:
    """Events/s accepted through ``/v1/batch`` from ``clients`` SDK processes."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_load, args=((base, write_key, seconds, i, queue),)) for i in range(clients)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=seconds + 180) for _ in processes]
    for process in processes:
        process.join()
    requests, events, errors = (sum(r[i] for r in results) for i in range(3))
    return {"requests_per_s": requests / seconds, "events_per_s": events / seconds, "errors": errors}


def run(pg_url: str) -> list[dict]:
    """Both loads against one fresh database and server; one row per figure."""
    from tests.support import free_port

    url = _fresh_database(pg_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="cx-bench-tracking-"))
    server = _start_server(url, port, logs)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        created = httpx.post(f"{base}/v1/keys", json={"role": "ingest", "subject": "bench segment source"},
                             headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        created.raise_for_status()
        write_key = created.json()["key"]
        measure_segment(base, write_key, clients=2, seconds=1.0)  # warm up
        natives, segments = [], []
        for round_ in range(ROUNDS):  # alternated, so a change in the machine's load hits both alike
            pair = (lambda: natives.append(measure(base, "batch", clients=CLIENTS, seconds=ROUND_SECONDS)),
                    lambda: segments.append(measure_segment(base, write_key, seconds=ROUND_SECONDS)))
            for step in (pair if round_ % 2 == 0 else pair[::-1]):
                step()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    native = sum(r["events_per_s"] for r in natives) / ROUNDS
    segment = sum(r["events_per_s"] for r in segments) / ROUNDS
    return [
        {"figure": "POST /v1/batch, Segment SDK, 500/req, events/s", "value": segment, "baseline": native,
         "ratio": segment / max(native, 1e-9), "goal": ">= 0.8 x native /v1/events/batch",
         "errors": sum(r["errors"] for r in natives + segments)},
    ]


if __name__ == "__main__":
    postgres = os.environ.get("CX_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit("set CX_TEST_POSTGRES_URL (make bench runs under scripts/with_postgres.py)")
    for row in run(postgres):
        print(f"{row['figure']}: {row['value']:,.0f} (native {row['baseline']:,.0f}); ratio {row['ratio']:.2f} "
              f"(goal {row['goal']}); errors {row['errors']}")
