"""The transactional outbox: rolled-back writes never leave, a down receiver gets its messages later,
poison messages are dead-lettered and replayable, order per key holds, and two relays on PostgreSQL
never send the same row twice."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.common.db import make_engine
from services.common.migrate import upgrade
from services.common.outbox import (
    Backoff,
    OutboxRelay,
    PermanentDeliveryError,
    enqueue,
    list_messages,
    replay_dead,
    single,
)
from services.survey.models import PLATFORM
from shared.http_client import RetryPolicy, ServiceClient, ServiceRejectedError
from tests.conftest import new_database_url

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Receiver:
    """A real HTTP receiver that records idempotency keys; it can be switched off (503)."""

    def __init__(self) -> None:
        self.up = True
        self.received: list[str] = []
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if not self.up:
            return Response("{}", status=503)(environ, start_response)
        body = json.loads(request.get_data())
        if body.get("poison"):
            return Response('{"message": "bad"}', status=422)(environ, start_response)
        with self.lock:
            self.received.append(request.headers["Idempotency-Key"])
        return Response("{}", status=200, mimetype="application/json")(environ, start_response)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def engine(backend, tmp_path):
    url = new_database_url(backend, "cx_outbox", tmp_path)
    upgrade("survey", url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


def http_handler(url: str):
    client = ServiceClient(url, api_key="k", timeout=2.0, retry=RetryPolicy(max_attempts=1))

    def deliver(message):
        try:
            client.request("POST", "/in", json=message.payload, idempotency_key=message.idempotency_key)
        except ServiceRejectedError as exc:
            raise PermanentDeliveryError(str(exc)) from exc

    return single(deliver)


def relay_for(engine, url, **kwargs):
    return OutboxRelay(engine, PLATFORM, {"receiver": http_handler(url)}, service="test",
                       backoff=Backoff(base_seconds=1, cap_seconds=10), rng=random.Random(3), **kwargs)


def write(engine, n, *, key_prefix="m", ordering_key=None, payload=None):
    with engine.begin() as connection:
        for i in range(n):
            enqueue(connection, PLATFORM, topic="t", destination="receiver",
                    payload=payload or {"i": i}, idempotency_key=f"{key_prefix}{i}", now=T0,
                    ordering_key=ordering_key)


def test_rolled_back_write_is_never_sent(engine, receiver):
    connection = engine.connect()
    transaction = connection.begin()
    enqueue(connection, PLATFORM, topic="t", destination="receiver", payload={"x": 1},
            idempotency_key="ghost", now=T0)
    transaction.rollback()
    connection.close()
    write(engine, 1, key_prefix="real")
    result = relay_for(engine, receiver.url).drain(lambda: T0)
    assert result.delivered == 1
    assert receiver.received == ["real0"]


def test_receiver_down_gets_messages_after_it_comes_back(engine, receiver):
    write(engine, 5)
    relay = relay_for(engine, receiver.url)
    receiver.up = False
    first = relay.run_once(T0)
    assert first.claimed == 5 and first.retried == 5 and receiver.received == []
    assert relay.run_once(T0).claimed == 0  # backing off: nothing due yet
    receiver.up = True
    later = relay.drain(lambda: T0 + timedelta(seconds=2))
    assert later.delivered == 5
    assert sorted(receiver.received) == [f"m{i}" for i in range(5)]
    assert relay.drain(lambda: T0 + timedelta(hours=1)).claimed == 0


def test_poison_message_is_dead_lettered_and_replayable(engine, receiver):
    write(engine, 1, key_prefix="poison", payload={"poison": True})
    relay = relay_for(engine, receiver.url)
    assert relay.run_once(T0).dead == 1
    with engine.connect() as connection:
        dead = list_messages(connection, PLATFORM)
    assert [m["idempotency_key"] for m in dead] == ["poison0"]
    assert "422" in dead[0]["last_error"]
    with engine.begin() as connection:
        assert replay_dead(connection, PLATFORM, now=T0) == 1
    with engine.begin() as connection:  # the operator fixed the payload before replaying
        connection.execute(PLATFORM.outbox.update().values(payload={"fixed": True}))
    assert relay.run_once(T0).delivered == 1
    assert receiver.received == ["poison0"]


def test_gives_up_after_max_attempts(engine, receiver):
    write(engine, 1)
    receiver.up = False
    relay = relay_for(engine, receiver.url, max_attempts=3)
    now = T0
    outcomes = []
    for _ in range(5):
        outcomes.append(relay.run_once(now))
        now += timedelta(seconds=20)
    assert [o.retried for o in outcomes[:2]] == [1, 1]
    assert outcomes[2].dead == 1
    assert sum(o.claimed for o in outcomes[3:]) == 0


def test_same_ordering_key_is_delivered_in_order(engine, receiver):
    write(engine, 4, key_prefix="r1-v", ordering_key="response-1")
    relay = relay_for(engine, receiver.url, batch_size=10)
    first = relay.run_once(T0)
    assert first.claimed == 1  # later versions wait for the earlier one
    relay.drain(lambda: T0)
    assert receiver.received == ["r1-v0", "r1-v1", "r1-v2", "r1-v3"]


def test_two_relays_on_postgres_never_send_a_row_twice(backend, tmp_path, receiver):
    if backend != "postgres":
        pytest.skip("SKIP LOCKED claims are a PostgreSQL feature; SQLite runs one worker")
    url = new_database_url(backend, "cx_outbox_race", tmp_path)
    upgrade("survey", url)
    engine = make_engine(url, pool_size=10)
    write(engine, 600)
    relays = [relay_for(engine, receiver.url, batch_size=20) for _ in range(2)]
    stats: list[int] = []

    def run(relay):
        total = 0
        for _ in range(100):
            step = relay.run_once(T0)
            total += step.delivered
            if step.claimed == 0:
                break
        stats.append(total)

    threads = [threading.Thread(target=run, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(receiver.received)
    assert len(counts) == 600
    assert max(counts.values()) == 1
    assert min(stats) > 0, f"both relays should have worked: {stats}"
    with engine.connect() as connection:
        pending = connection.execute(select(func.count()).select_from(PLATFORM.outbox)
                                     .where(PLATFORM.outbox.c.status != "delivered")).scalar()
    assert pending == 0
    engine.dispose()


def test_no_transaction_is_open_while_handlers_call_out(engine):
    """Handlers run between the claim's commit and the outcome's: another connection can write meanwhile."""
    write(engine, 2)
    seen: list[tuple] = []

    def handler(messages):
        with engine.begin() as other:  # on SQLite this would wait on the relay's write lock
            row = other.execute(select(PLATFORM.outbox.c.next_attempt_at)
                                .where(PLATFORM.outbox.c.id == messages[0].id)).one()
            seen.append(tuple(row))
            other.execute(PLATFORM.outbox.update().where(PLATFORM.outbox.c.id == -1).values(attempts=0))
        return {m.id: None for m in messages}

    relay = OutboxRelay(engine, PLATFORM, {"receiver": handler}, service="test", lease=timedelta(seconds=45))
    assert relay.run_once(T0).delivered == 2
    [(leased_until,)] = seen
    assert leased_until.replace(tzinfo=UTC) == T0 + timedelta(seconds=45)  # claimed under a lease, committed


def test_a_relay_that_dies_mid_delivery_leaves_its_messages_to_the_next_after_the_lease(engine, receiver):
    write(engine, 3)
    dying = OutboxRelay(engine, PLATFORM, {"receiver": lambda messages: (_ for _ in ()).throw(SystemExit)},
                        service="test", lease=timedelta(seconds=30))
    with pytest.raises(SystemExit):
        dying.run_once(T0)
    healthy = relay_for(engine, receiver.url)
    assert healthy.run_once(T0 + timedelta(seconds=10)).claimed == 0  # still leased
    assert healthy.drain(lambda: T0 + timedelta(seconds=31)).delivered == 3
    assert sorted(receiver.received) == ["m0", "m1", "m2"]


def test_a_destination_with_its_own_retry_plan_is_retried_longer(engine, receiver):
    from services.common.outbox import RetryPlan

    write(engine, 1)
    receiver.up = False
    plan = RetryPlan(6, Backoff(base_seconds=100, cap_seconds=400))
    relay = relay_for(engine, receiver.url, max_attempts=2, retries={"receiver": plan})
    now, waits = T0, []
    for _ in range(5):  # the service's default (2 attempts) would have given up after the second
        assert relay.run_once(now).retried == 1
        with engine.connect() as connection:
            due = connection.execute(select(PLATFORM.outbox.c.next_attempt_at)).scalar_one()
        due = due if due.tzinfo else due.replace(tzinfo=T0.tzinfo)
        waits.append((due - now).total_seconds())
        now = due
    assert relay.run_once(now).dead == 1
    ceilings = [100, 200, 400, 400, 400]
    assert all(ceiling / 2 <= wait <= ceiling for wait, ceiling in zip(waits, ceilings, strict=True)), waits
    assert plan.longest_wait() == timedelta(seconds=sum(ceilings))


def test_response_webhooks_are_retried_for_more_than_a_day():
    from services.survey.config import Config
    from services.survey.worker import webhook_retry_plan

    plan = webhook_retry_plan(Config({}))
    assert timedelta(days=1) < plan.longest_wait() / 2 < plan.longest_wait() < timedelta(days=3)
    assert plan.max_attempts > Config({}).OUTBOX_MAX_ATTEMPTS
