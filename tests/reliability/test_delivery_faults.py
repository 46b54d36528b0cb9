"""Delivery under faults, real processes on PostgreSQL: customers answer on the response page while
metrics is SIGKILLed for a while and the survey worker is SIGKILLed during delivery and replaced.
Every completed response reaches metrics once; a poison message (metrics answers 422) goes to the
dead-letter list alone while the others are delivered, and is delivered once fixed and replayed."""

from __future__ import annotations

import json
import signal
import threading
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.processes import wait_until
from tests.reliability.conftest import sized
from tests.reliability.stacks import ADMIN, Stack
from tests.survey.conftest import event_body, survey_body

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
RESPONSES = sized(2_000, 200)
WORKER_KILLS = sized(4, 2)
RESPONDERS = 4  # customers answering at the same time
# The outage lasts until enough responses are posted, however long that takes on this machine: attempts
# (about 1.5 s apart once the backoff is capped) must not run out before it ends. The poison does not
# need them: a 422 dead-letters a single message at once.
OUTBOX = {"SURVEY_OUTBOX_BACKOFF_BASE_SECONDS": "0.5", "SURVEY_OUTBOX_BACKOFF_CAP_SECONDS": "2",
          "SURVEY_OUTBOX_INTERVAL_SECONDS": "0.3", "SURVEY_OUTBOX_MAX_ATTEMPTS": "100000",
          "SURVEY_OUTBOX_BATCH_SIZE": "50", "SURVEY_OUTBOX_LEASE_SECONDS": "3",
          "SURVEY_DISPATCH_LEASE_SECONDS": "3"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("delivery"), ("survey", "metrics"), extra=OUTBOX)
    stack.web("survey", workers=2)
    stack.web("metrics", workers=2)
    stack.worker("survey")
    yield stack
    stack.close()


class FaultSchedule:
    """Faults planned at points of progress, not of time.

    Responders take a turn before each response; ``run_until(n)`` lets turns be taken until ``n``
    responses are handled in all and waits for them, so the fault that follows happens after exactly
    ``n`` responses on any machine, however fast or loaded.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.allowed = self.taken = self.handled = 0
        self.faults: list[str] = []

    def take_turn(self) -> None:
        with self.condition:
            self.condition.wait_for(lambda: self.taken < self.allowed)
            self.taken += 1

    def turn_done(self) -> None:
        with self.condition:
            self.handled += 1
            self.condition.notify_all()

    def run_until(self, handled: int, *, wait: bool = True) -> None:
        with self.condition:
            self.allowed = max(self.allowed, handled)
            self.condition.notify_all()
            if wait:
                self.condition.wait_for(lambda: self.handled >= handled)


def _process(stack: Stack, service: str, kind: str):
    return next(p for p in stack.processes if p.service == service and p.kind == kind)


def _poison_record(response_id: str, *, valid: bool) -> dict:
    """A response record in the shape the relay sends; without ``answers`` metrics rejects it (422)."""
    stamp = datetime.now(UTC).isoformat()
    record = {"response_id": response_id, "version": 1, "survey_id": "poison-survey", "survey_version": 1,
              "touchpoint": "delivery", "channel": "link", "customer_id": "poison-customer",
              "invitation_id": None, "event_type": "order.delivered", "event_at": stamp, "lang": "ko",
              "attributes": {}, "completed": True, "created_at": stamp, "updated_at": stamp,
              "completed_at": stamp,
              "answers": [{"question_key": "nps", "type": "nps", "value": 10, "scale_max": None, "choices": [],
                           "text": None, "dimension": None, "driver": None}]}
    if not valid:
        del record["answers"]
    return record


def _nps_n(metrics: httpx.Client) -> int:
    try:
        reply = metrics.get("/v1/scores", params={"metric": "nps", "from": "2020-01-01", "min_n": 1})
    except httpx.TransportError:
        return -1
    if reply.status_code != 200:
        return -1
    cells = reply.json()["cells"]
    return sum(cell["n"] for cell in cells)


def _metrics_rows(stack: Stack) -> tuple[Counter, Counter]:
    """Rows per response id in metrics' ``responses`` and NPS rows per response id in ``response_scores``."""
    engine = create_engine(stack.databases["metrics"])
    try:
        with engine.connect() as connection:
            responses = Counter(dict(connection.execute(text(
                "SELECT response_id, count(*) FROM responses GROUP BY response_id")).all()))
            scores = Counter(dict(connection.execute(text(
                "SELECT response_id, count(*) FROM response_scores WHERE metric = 'nps' "
                "GROUP BY response_id")).all()))
    finally:
        engine.dispose()
    return responses, scores


def test_responses_reach_metrics_once_through_outage_worker_kills_and_poison(stack):
    survey, metrics = stack.client("survey"), stack.client("metrics")
    created = survey.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert survey.post(f"/v1/surveys/{created['id']}/publish").status_code == 201
    trigger = survey.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                                "survey_id": created["id"], "channel": "in_app"})
    assert trigger.status_code == 201, trigger.text
    now = datetime.now(UTC)
    customers = [f"dlv-{n}" for n in range(RESPONSES)]
    for start in range(0, RESPONSES, 250):
        batch = [event_body(f"dlv-ev-{n}", customer=customers[n], occurred_at=now, attributes={"order_id": str(n)})
                 for n in range(start, min(start + 250, RESPONSES))]
        reply = survey.post("/v1/events/batch", json={"events": batch})
        assert reply.status_code == 200 and reply.json()["accepted"] == len(batch), reply.text[:500]

    survey_engine = create_engine(stack.databases["survey"])
    poison_key = "response:poison-1:v1"
    with survey_engine.begin() as connection:  # what send_downstream writes, with a payload metrics refuses
        connection.execute(text(
            "INSERT INTO outbox_messages (topic, destination, ordering_key, idempotency_key, payload, status, "
            "attempts, created_at, next_attempt_at) VALUES ('response', 'metrics', 'response:poison-1', :key, "
            "CAST(:payload AS JSON), 'pending', 0, now(), now())"),
            {"key": poison_key, "payload": _json(_poison_record("poison-1", valid=False))})

    answered, problems, lock = Counter(), [], threading.Lock()
    schedule = FaultSchedule()

    def respond(numbers: list[int]) -> None:
        http = httpx.Client(timeout=httpx.Timeout(30, connect=5))
        api = httpx.Client(base_url=stack.urls["survey"], timeout=30, headers={"Authorization": f"Bearer {ADMIN}"})
        for n in numbers:
            schedule.take_turn()
            try:
                pending = wait_until(lambda n=n: api.get(f"/v1/customers/{customers[n]}/pending-surveys").json(),
                                     60, 0.2)
                if not pending:
                    problems.append(f"{customers[n]}: no pending survey")
                    continue
                reply = http.post(pending[0]["url"], data={"q_nps": str(9 + n % 2), "q_csat": "5"})
                with lock:
                    answered[reply.status_code] += 1
                if reply.status_code != 200 or "감사합니다" not in reply.text:
                    problems.append(f"{customers[n]}: {reply.status_code} {reply.text[:200]}")
            except Exception as exc:  # recorded, and the turn is handed back: the schedule never stalls
                problems.append(f"{customers[n]}: {exc!r}")
            finally:
                schedule.turn_done()

    def inject_faults() -> None:
        metrics_web, worker = _process(stack, "metrics", "web"), _process(stack, "survey", "worker")
        try:
            schedule.run_until(int(RESPONSES * 0.15))
            metrics_web.stop(signal.SIGKILL)
            schedule.faults.append("metrics down")
            for kill in range(WORKER_KILLS):
                schedule.run_until(int(RESPONSES * (0.2 + 0.5 * kill / WORKER_KILLS)))
                # the relay claims rows and posts them inside one transaction: kill it while rows wait
                assert wait_until(lambda: _pending_metrics(survey_engine) > 0, 120, 0.05), "nothing waits"
                if kill == WORKER_KILLS - 1:
                    # metrics comes back once a delivery has failed for the outage, and the last kill
                    # falls after deliveries resumed, while the backlog drains
                    assert wait_until(lambda: _failed_metrics(survey_engine, poison_key) > 0, 120, 0.05), \
                        "no delivery failed while metrics was down"
                    delivered = _delivered_metrics(survey_engine)
                    metrics_web.start()
                    schedule.faults.append("metrics up")
                    assert wait_until(lambda before=delivered: _delivered_metrics(survey_engine) > before, 120, 0.02), \
                        "no delivery after metrics came back"
                worker.stop(signal.SIGKILL)
                schedule.faults.append("worker killed")
                worker.start()
        except BaseException as exc:  # reported by the test, never a silent half schedule
            problems.append(f"fault injection: {exc!r}")
        finally:
            schedule.run_until(RESPONSES, wait=False)

    threads = [threading.Thread(target=respond, args=(list(range(k, RESPONSES, RESPONDERS)),))
               for k in range(RESPONDERS)]
    injector = threading.Thread(target=inject_faults)
    injector.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    injector.join()

    planned = ["metrics down", *["worker killed"] * (WORKER_KILLS - 1), "metrics up", "worker killed"]
    assert schedule.faults == planned, (schedule.faults, problems[:5])
    assert problems == [], problems[:5]
    assert answered == Counter({200: RESPONSES})
    assert wait_until(lambda: _nps_n(metrics) == RESPONSES, 120, 0.5), (
        _nps_n(metrics), _outbox_states(survey_engine), stack.log_tail("survey-worker"))
    assert wait_until(lambda: _pending_metrics(survey_engine) == 0, 30), _outbox_states(survey_engine)

    with survey_engine.connect() as connection:
        completed = set(connection.execute(text(
            "SELECT CAST(id AS TEXT) FROM responses WHERE completed")).scalars())
        retried = connection.execute(text(
            "SELECT count(*) FROM outbox_messages WHERE destination = 'metrics' AND status = 'delivered' "
            "AND attempts > 1")).scalar()
    assert len(completed) == RESPONSES
    assert retried > 0, "no message was retried: metrics was never down while messages waited"
    responses, scores = _metrics_rows(stack)
    assert set(responses) == completed and set(responses.values()) == {1}
    assert set(scores) == completed and set(scores.values()) == {1}  # each NPS answer counted once

    dead = survey.get("/v1/outbox", params={"status": "dead"})
    assert dead.status_code == 200
    assert [(m["destination"], m["idempotency_key"]) for m in dead.json()] == [("metrics", poison_key)]
    poison = dead.json()[0]
    assert poison["attempts"] == 1 and "rejected with 422" in poison["last_error"], poison  # dead at once

    with survey_engine.begin() as connection:  # the operator fixes the payload, then replays
        connection.execute(text("UPDATE outbox_messages SET payload = CAST(:payload AS JSON) "
                                "WHERE idempotency_key = :key"),
                           {"key": poison_key, "payload": _json(_poison_record("poison-1", valid=True))})
    assert httpx.post(f"{stack.urls['survey']}/v1/outbox/replay", timeout=10).status_code == 401
    replay = survey.post("/v1/outbox/replay")
    assert replay.status_code == 200 and replay.json()["replayed"] == 1
    assert wait_until(lambda: _nps_n(metrics) == RESPONSES + 1, 30), _outbox_states(survey_engine)
    assert survey.get("/v1/outbox", params={"status": "dead"}).json() == []
    responses, scores = _metrics_rows(stack)
    assert responses["poison-1"] == 1 and scores["poison-1"] == 1 and set(scores.values()) == {1}
    survey_engine.dispose()


def _json(value) -> str:
    return json.dumps(value)


def _pending_metrics(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM outbox_messages WHERE destination = 'metrics' AND status = 'pending'")).scalar()


def _delivered_metrics(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM outbox_messages WHERE destination = 'metrics' AND status = 'delivered'")).scalar()


def _failed_metrics(engine, poison_key: str) -> int:
    """Messages to metrics whose delivery failed and waits for another attempt (the poison aside)."""
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM outbox_messages WHERE destination = 'metrics' AND status = 'pending' "
            "AND attempts > 0 AND idempotency_key <> :poison"), {"poison": poison_key}).scalar()


def _outbox_states(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT destination, status, count(*), max(attempts) FROM outbox_messages "
            "GROUP BY destination, status")).all()
