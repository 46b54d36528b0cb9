"""Ingestion outside a test transaction: each event commits on its own, as in production.

The app tests run inside a rolled-back transaction, where a single event takes a savepoint. Here the
session sits on a plain engine, so on PostgreSQL the event and its customer go through one statement
on an autocommit connection, and the batch through the set-based statements; SQLite takes the Core
path. Both must give the same results.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.common.migrate import upgrade
from services.survey import events_pg
from services.survey.events import EventResult, _event_row, body_hash, ingest_batch, ingest_event
from services.survey.exceptions import EventIdReusedError
from services.survey.models import Customer, JourneyEvent
from shared.contracts.events import EventResultSchema, EventSchema
from tests.conftest import new_database_url

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
SCHEMA = EventSchema()


@pytest.fixture
def engine(backend, tmp_path):
    url = new_database_url(backend, "cx_ingest", tmp_path)
    upgrade("survey", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _event(event_id: str, customer: dict, **attributes) -> dict:
    return SCHEMA.load({"id": event_id, "type": "order.delivered", "occurred_at": "2026-11-01T10:00:00+09:00",
                        "customer": customer, "attributes": attributes})


def _customer(engine, customer_id: str) -> Customer:
    with Session(engine) as session:
        return session.get(Customer, customer_id)


def test_single_events_commit_replay_and_merge_the_customer(engine):
    first = _event("e1", {"id": "c1", "email": "c1@example.com", "attributes": {"plan": "gold"}}, order="o1")
    with Session(engine) as session:
        result = ingest_event(session, event=first, now=NOW)
    assert result.status == "accepted" and not result.replayed and result.received_at == NOW
    with Session(engine) as session:  # committed: visible to a new session
        stored = session.scalars(select(JourneyEvent)).one()
    assert (stored.event_id, stored.customer_id, stored.attributes) == ("e1", "c1", {"order": "o1"})
    assert stored.occurred_at == datetime(2026, 11, 1, 1, 0, tzinfo=UTC) and stored.matched_at is None

    later = NOW + timedelta(minutes=5)
    with Session(engine) as session:
        again = ingest_event(session, event=first, now=later)
    assert again.replayed and again.received_at == NOW

    changed = _event("e1", {"id": "c1"}, order="o2")
    with Session(engine) as session, pytest.raises(EventIdReusedError):
        ingest_event(session, event=changed, now=later)

    second = _event("e2", {"id": "c1", "locale": "ko-KR", "attributes": {"region": "seoul"}})
    with Session(engine) as session:
        ingest_event(session, event=second, now=later)
    customer = _customer(engine, "c1")
    assert customer.email == "c1@example.com" and customer.locale == "ko-KR"
    assert customer.attributes == {"plan": "gold", "region": "seoul"}
    assert customer.created_at == NOW and customer.updated_at == later


def test_erased_customers_stay_erased(engine):
    with Session(engine) as session:
        ingest_event(session, event=_event("e1", {"id": "c1", "email": "a@example.com"}), now=NOW)
        ingest_batch(session, raw_events=[{"id": "b0", "type": "x", "occurred_at": NOW.isoformat(),
                                           "customer": {"id": "c2", "email": "b@example.com"}}], now=NOW)
    with Session(engine) as session:
        session.execute(update(Customer).values(email=None, attributes={}, erased_at=NOW))
        session.commit()
    with Session(engine) as session:
        ingest_event(session, event=_event("e2", {"id": "c1", "email": "new@example.com",
                                                  "attributes": {"plan": "gold"}}), now=NOW)
        ingest_batch(session, raw_events=[{"id": "b1", "type": "x", "occurred_at": NOW.isoformat(),
                                           "customer": {"id": "c2", "email": "new@example.com",
                                                        "attributes": {"plan": "gold"}}}], now=NOW)
    for customer_id in ("c1", "c2"):
        customer = _customer(engine, customer_id)
        assert customer.email is None and customer.attributes == {} and customer.erased_at == NOW


def test_a_batch_stores_new_events_in_order_and_merges_customers(engine):
    raw = [{"id": f"b{i}", "type": "order.delivered", "occurred_at": (NOW - timedelta(hours=i)).isoformat(),
            "customer": {"id": f"c{i % 3}", "attributes": {f"k{i}": i}, "email": f"c{i}@example.com"},
            "attributes": {"n": i, "tags": ["a", i]}} for i in range(12)]
    with Session(engine) as session:
        ingest_event(session, event=_event("b0", {"id": "c0"}), now=NOW)  # b0 known, with another body
        result = ingest_batch(session, raw_events=[*raw, raw[5], {**raw[6], "type": "other"}, {"id": 7}],
                              now=NOW)
    statuses = [item.status for item in result.results]
    assert statuses == ["rejected"] + ["accepted"] * 11 + ["replayed", "rejected", "rejected"]
    with Session(engine) as session:
        stored = session.scalars(select(JourneyEvent).order_by(JourneyEvent.seq)).all()
    assert [event.event_id for event in stored] == ["b0"] + [f"b{i}" for i in range(1, 12)]
    assert stored[3].attributes == {"n": 3, "tags": ["a", 3]}
    assert stored[3].occurred_at == NOW - timedelta(hours=3)
    customer = _customer(engine, "c1")
    assert customer.attributes == {f"k{i}": i for i in range(1, 12, 3)}
    assert customer.email == "c10@example.com"  # the last event of the batch wins
    assert _customer(engine, "c0").attributes == {f"k{i}": i for i in range(3, 12, 3)}


@pytest.mark.parametrize("result", [
    EventResult(id="e1", status="accepted", received_at=NOW),
    EventResult(id="e1", status="replayed", received_at=datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=UTC),
                replayed=True),
    EventResult(id=None, status="rejected", code=422, message="the event did not pass validation",
                errors={"customer": {"email": ["Not a valid email address."]}}),
    EventResult(id="x", status="rejected", code=422, message="reused"),
])
def test_batch_items_are_the_documents_the_schema_describes(result):
    assert result.reply() == EventResultSchema().dump(result)


def test_a_batch_chosen_as_deadlock_victim_is_retried(engine, backend):
    """Two writers holding the same new ids in opposite orders deadlock; PostgreSQL aborts one of
    them. The batch that loses is retried instead of answering 500."""
    if backend != "postgres":
        pytest.skip("row locks and deadlock detection are PostgreSQL's")
    raw = [{"id": event_id, "type": "order.delivered", "occurred_at": NOW.isoformat(), "customer": {"id": "c1"}}
           for event_id in ("b", "a")]
    rows = {item["id"]: _event_row(SCHEMA.load(item), body_hash(SCHEMA.load(item)), NOW) for item in raw}
    deadlocks = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
    outcome: dict = {}

    def batch() -> None:
        try:
            with Session(engine) as session:
                outcome["result"] = ingest_batch(session, raw_events=raw, now=NOW)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc

    with engine.connect() as holder:
        before = holder.exec_driver_sql(deadlocks).scalar()
        holder.commit()
        events_pg.insert_events(holder, [rows["a"]], NOW)  # holds "a", uncommitted
        worker = threading.Thread(target=batch)
        worker.start()  # inserts "b", then waits for "a"
        with engine.connect() as observer:
            deadline = time.monotonic() + 10
            while not observer.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE NOT granted").scalar():
                assert time.monotonic() < deadline, "the batch never waited for the held id"
                time.sleep(0.01)
        events_pg.insert_events(holder, [rows["b"]], NOW)  # waits for "b": a cycle, the batch loses
        holder.commit()
        worker.join(30)
        after = holder.exec_driver_sql(deadlocks).scalar()
    assert "error" not in outcome, f"the batch failed: {outcome.get('error')!r}"
    assert after == before + 1
    assert [item.status for item in outcome["result"].results] == ["replayed", "replayed"]
    with Session(engine) as session:
        assert sorted(session.scalars(select(JourneyEvent.event_id))) == ["a", "b"]
