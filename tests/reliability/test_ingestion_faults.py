"""Ingestion under faults, real processes on PostgreSQL: events in batches, 10% resent with the same
id and body, 1% resent with another body, the survey gunicorn SIGKILLed several times (and the worker
once) while the client retries the same batch. Every acknowledged event is stored once, no event gives
two invitations, and every conflicting resend gets 422."""

from __future__ import annotations

import random
import signal
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.processes import wait_until
from tests.reliability.conftest import sized
from tests.reliability.stacks import Stack
from tests.survey.conftest import event_body, survey_body

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
EVENTS = sized(100_000, 10_000)
KILLS = sized(6, 3)
BATCH = 250
TRIGGERED_EVERY = 10  # one event in ten is an order.delivered that fires the trigger


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("ingest"), ("survey",))
    stack.web("survey", workers=2)
    stack.worker("survey")
    yield stack
    stack.close()


class RetryingClient:
    """Resends the same request on connection errors and 5xx until it gets an answer below 500."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=url, headers=headers, timeout=httpx.Timeout(30, connect=2))
        self.retries = 0

    def post(self, path: str, body: dict) -> httpx.Response:
        delay = 0.05
        while True:
            try:
                reply = self.http.post(path, json=body)
                if reply.status_code < 500:
                    return reply
            except httpx.TransportError:
                pass
            self.retries += 1
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _event(number: int, now: datetime, *, conflicting: bool = False) -> dict:
    kind = "order.delivered" if number % TRIGGERED_EVERY == 0 else "page.viewed"
    return event_body(f"ev-{number}", customer=f"cust-{number}", type_=kind, occurred_at=now,
                      attributes={"order_id": f"o-{number}", **({"changed": True} if conflicting else {})})


def test_ingestion_survives_kills_and_resends(stack):
    admin = stack.client("survey")
    survey = admin.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert admin.post(f"/v1/surveys/{survey['id']}/publish").status_code == 201
    trigger = admin.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                               "survey_id": survey["id"], "channel": "in_app"})
    assert trigger.status_code == 201, trigger.text
    client = RetryingClient(stack.urls["survey"], dict(admin.headers))
    rng = random.Random(8)
    now = datetime.now(UTC)
    acknowledged: set[str] = set()
    conflicts_sent, conflict_codes = 0, Counter()
    done = threading.Event()
    kills: list[str] = []
    progress = [0]

    def killer() -> None:
        web = next(p for p in stack.processes if p.kind == "web")
        worker = next(p for p in stack.processes if p.kind == "worker")
        for round_ in range(KILLS):
            threshold = EVENTS * (round_ + 1) // (KILLS + 1)  # spread the kills over the run
            while progress[0] < threshold:
                if done.wait(0.02):
                    return
            web.stop(signal.SIGKILL)
            kills.append("web")
            if round_ == 1:
                worker.stop(signal.SIGKILL)
                worker.start()
                kills.append("worker")
            time.sleep(0.3)
            web.start()

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        sent = 0
        while sent < EVENTS:
            fresh = [_event(n, now) for n in range(sent, min(sent + BATCH, EVENTS))]
            sent += len(fresh)
            progress[0] = sent
            earlier = sorted(acknowledged)
            resent = [_event(int(i.split("-")[1]), now) for i in rng.sample(earlier, min(len(earlier),
                                                                                        len(fresh) // 10))]
            conflicting = [_event(int(i.split("-")[1]), now, conflicting=True)
                           for i in rng.sample(earlier, min(len(earlier), max(1, len(fresh) // 100)))]
            single = conflicting[: len(conflicting) // 2]
            items = fresh + resent + conflicting[len(single):]
            rng.shuffle(items)
            reply = client.post("/v1/events/batch", {"events": items})
            assert reply.status_code == 200, reply.text[:500]
            for item, result in zip(items, reply.json()["results"], strict=False):
                assert result["id"] == item["id"]
                if "changed" in item["attributes"]:
                    conflicts_sent += 1
                    conflict_codes[(result["status"], result["code"])] += 1
                else:
                    assert result["status"] in ("accepted", "replayed"), result
                    acknowledged.add(item["id"])
            for item in single:
                conflicts_sent += 1
                answer = client.post("/v1/events", item)
                conflict_codes[("http", answer.status_code)] += 1
    finally:
        done.set()
        thread.join()
    assert len(kills) >= KILLS, f"only {len(kills)} kills happened; the run was too quick"
    assert client.retries > 0, "no request was interrupted: the kills missed"
    assert set(conflict_codes) <= {("rejected", 422), ("http", 422)}, conflict_codes
    assert sum(conflict_codes.values()) == conflicts_sent > 0
    assert len(acknowledged) == EVENTS

    engine = create_engine(stack.databases["survey"])
    with engine.connect() as connection:
        stored = Counter(dict(connection.execute(text(
            "SELECT event_id, count(*) FROM journey_events GROUP BY event_id")).all()))
        assert set(stored) == acknowledged and max(stored.values()) == 1
        assert connection.execute(text(
            "SELECT count(*) FROM journey_events WHERE attributes::text LIKE '%changed%'")).scalar() == 0

    def all_matched():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM journey_events WHERE matched_at IS NULL")).scalar() == 0
    assert wait_until(all_matched, 120, 1), stack.log_tail("survey-worker")
    with engine.connect() as connection:
        per_event = connection.execute(text(
            "SELECT event_id, count(*) FROM invitations GROUP BY event_id")).all()
    engine.dispose()
    assert max(count for _, count in per_event) == 1
    assert len(per_event) == EVENTS // TRIGGERED_EVERY
