"""The transactional outbox: write a message in the use case's transaction, deliver it later.

Writers call ``enqueue`` inside the same transaction as the state change that causes the message,
so a rolled-back change never sends anything. The worker's relay claims due rows (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so any number of relays never send one row twice at the same time), hands
them to the destination's handler, and records the outcome: delivered, retried later with
exponential backoff and jitter, or dead after ``max_attempts`` (or at once for a permanent error).
Messages with the same ``ordering_key`` are delivered one at a time, in order.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Connection, Engine, and_, exists, insert, select, update
from sqlalchemy.orm import Session

from services.common.delivery_errors import PermanentDeliveryError
from services.common.tables import PlatformTables
from shared.backoff import Backoff

__all__ = ["Backoff", "OutboxMessage", "OutboxRelay", "PermanentDeliveryError", "enqueue", "queued", "single"]

log = logging.getLogger("cxloop.outbox")
OUTBOX_OUTCOMES = Counter("cx_outbox_messages_total", "Outbox delivery outcomes",
                          ["service", "destination", "outcome"])


@dataclass(frozen=True)
class OutboxMessage:
    """A claimed message, as a handler sees it (no transaction is open while handlers run)."""

    id: int
    topic: str
    destination: str
    payload: Any
    idempotency_key: str
    attempts: int


# A handler delivers a batch for one destination and returns, per message id, None on success
# or the exception that prevented delivery.
Handler = Callable[[Sequence[OutboxMessage]], Mapping[int, Exception | None]]


@dataclass
class RelayResult:
    """What one relay pass did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def enqueue(session: Session | Connection, tables: PlatformTables, *, topic: str, destination: str,
            payload: Any, idempotency_key: str, now: datetime, ordering_key: str | None = None) -> None:
    """Add a message to the outbox inside the caller's transaction (never commits)."""
    session.execute(insert(tables.outbox).values(
        topic=topic, destination=destination, payload=payload, idempotency_key=idempotency_key,
        ordering_key=ordering_key, status="pending", attempts=0, created_at=now, next_attempt_at=now))


def queued(session: Session | Connection, tables: PlatformTables, idempotency_key: str) -> bool:
    """Whether a message with this idempotency key is in the outbox."""
    box = tables.outbox
    return session.execute(select(box.c.id).where(box.c.idempotency_key == idempotency_key)).first() is not None


def single(deliver: Callable[[OutboxMessage], None]) -> Handler:
    """Adapt a one-message delivery function to the batch handler interface."""
    def handler(messages: Sequence[OutboxMessage]) -> dict[int, Exception | None]:
        outcome: dict[int, Exception | None] = {}
        for message in messages:
            try:
                deliver(message)
                outcome[message.id] = None
            except Exception as exc:  # each message fails on its own
                outcome[message.id] = exc
        return outcome
    return handler


@dataclass(frozen=True)
class RetryPlan:
    """How long one destination is retried: attempts in all (the first included) and the waits."""

    max_attempts: int
    backoff: Backoff

    def longest_wait(self) -> timedelta:
        """The time from the first attempt to the last when every wait is at its ceiling."""
        seconds = sum(min(self.backoff.cap_seconds, self.backoff.base_seconds * 2 ** (n - 1))
                      for n in range(1, self.max_attempts))
        return timedelta(seconds=seconds)


class OutboxRelay:
    """Claims due outbox rows and hands them to the handler of their destination."""

    def __init__(self, engine: Engine, tables: PlatformTables, handlers: Mapping[str, Handler], *,
                 service: str, batch_size: int = 100, max_attempts: int = 12,
                 backoff: Backoff | None = None, rng: random.Random | None = None,
                 lease: timedelta = timedelta(seconds=60),
                 retries: Mapping[str, RetryPlan] | None = None) -> None:
        self.engine, self.tables, self.handlers = engine, tables, dict(handlers)
        self.service, self.batch_size, self.max_attempts = service, batch_size, max_attempts
        self.backoff = backoff or Backoff()
        self.retries = dict(retries or {})  # per destination, else max_attempts and backoff
        self.rng = rng or random.Random()
        self.lease = lease

    def run_once(self, now: datetime) -> RelayResult:
        """Claim one batch of due messages, deliver them, record the outcomes.

        No transaction is open while the handlers call out: the claim moves the messages'
        ``next_attempt_at`` to the end of a lease and commits; the outcomes are written afterwards,
        only for messages whose lease still stands. A relay that dies in between leaves its messages
        to be claimed again when the lease ends (at least once; receivers deduplicate on the key).
        """
        result = RelayResult()
        lease_until = now + self.lease
        box = self.tables.outbox
        with self.engine.begin() as connection:
            messages = self._claim(connection, now)
            if messages:
                connection.execute(update(box).where(box.c.id.in_([m.id for m in messages]))
                                   .values(next_attempt_at=lease_until))
        result.claimed = len(messages)
        if not messages:
            return result
        by_destination: dict[str, list[OutboxMessage]] = defaultdict(list)
        for message in messages:
            by_destination[message.destination].append(message)
        outcomes: dict[int, Exception | None] = {}
        for destination, batch in by_destination.items():
            outcomes.update(self._deliver(destination, batch))
        with self.engine.begin() as connection:
            for message in messages:
                self._record(connection, message, outcomes.get(message.id), now, result, lease_until)
        return result

    def drain(self, now_fn: Callable[[], datetime], max_batches: int = 50) -> RelayResult:
        """Run passes until nothing is due (bounded), summing the results."""
        total = RelayResult()
        for _ in range(max_batches):
            step = self.run_once(now_fn())
            for name in ("claimed", "delivered", "retried", "dead"):
                setattr(total, name, getattr(total, name) + getattr(step, name))
            total.errors.extend(step.errors)
            if step.claimed == 0:
                break
        return total

    def _claim(self, connection: Connection, now: datetime) -> list[OutboxMessage]:
        box = self.tables.outbox
        earlier = box.alias("earlier")
        blocked = exists().where(and_(earlier.c.ordering_key == box.c.ordering_key,
                                      earlier.c.id < box.c.id, earlier.c.status == "pending"))
        query = (select(box.c.id, box.c.topic, box.c.destination, box.c.payload,
                        box.c.idempotency_key, box.c.attempts)
                 .where(box.c.status == "pending", box.c.next_attempt_at <= now,
                        (box.c.ordering_key.is_(None)) | ~blocked)
                 .order_by(box.c.id).limit(self.batch_size)
                 .with_for_update(skip_locked=True, of=box))
        return [OutboxMessage(*row) for row in connection.execute(query)]

    def _deliver(self, destination: str, batch: list[OutboxMessage]) -> Mapping[int, Exception | None]:
        handler = self.handlers.get(destination)
        if handler is None:
            problem = PermanentDeliveryError(f"no handler for destination {destination!r}")
            return {message.id: problem for message in batch}
        try:
            return handler(batch)
        except Exception as exc:  # a handler crash fails the whole batch, to be retried
            return {message.id: exc for message in batch}

    def _record(self, connection: Connection, message: OutboxMessage, problem: Exception | None,
                now: datetime, result: RelayResult, lease_until: datetime) -> None:
        box = self.tables.outbox
        # Still ours: pending, and the lease we wrote (another relay may have claimed it after the lease).
        row = (box.c.id == message.id) & (box.c.status == "pending") & (box.c.next_attempt_at == lease_until)
        attempts = message.attempts + 1
        if problem is None:
            outcome, values = "delivered", {"status": "delivered", "delivered_at": now, "attempts": attempts,
                                            "last_error": None}
        else:
            error_text = f"{type(problem).__name__}: {problem}"[:2000]
            result.errors.append(error_text)
            plan = self.retries.get(message.destination) or RetryPlan(self.max_attempts, self.backoff)
            if isinstance(problem, PermanentDeliveryError) or attempts >= plan.max_attempts:
                outcome, values = "dead", {"status": "dead", "attempts": attempts, "last_error": error_text}
            else:
                outcome, values = "retried", {"attempts": attempts, "last_error": error_text,
                                              "next_attempt_at": now + plan.backoff.delay(attempts, self.rng)}
        if not connection.execute(update(box).where(row).values(**values)).rowcount:
            log.warning("outbox lease lost; another relay owns the message", extra={"outbox_id": message.id})
            return
        setattr(result, outcome, getattr(result, outcome) + 1)
        OUTBOX_OUTCOMES.labels(self.service, message.destination, outcome).inc()
        if outcome == "dead":
            log.warning("outbox message dead-lettered", extra={"outbox_id": message.id})


def list_messages(connection: Connection, tables: PlatformTables, *, status: str = "dead",
                  limit: int = 100) -> list[dict[str, Any]]:
    """Outbox rows in a state (dead letters by default), oldest first."""
    box = tables.outbox
    rows = connection.execute(select(box).where(box.c.status == status).order_by(box.c.id).limit(limit))
    return [dict(row._mapping) for row in rows]


def replay_dead(connection: Connection, tables: PlatformTables, *, now: datetime,
                ids: Iterable[int] | None = None) -> int:
    """Put dead letters (all, or the given ids) back in the queue with a fresh attempt count."""
    box = tables.outbox
    condition = box.c.status == "dead"
    if ids is not None:
        condition = condition & box.c.id.in_(list(ids))
    result = connection.execute(update(box).where(condition).values(
        status="pending", attempts=0, next_attempt_at=now))
    return result.rowcount or 0
