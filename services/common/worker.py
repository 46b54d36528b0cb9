"""The worker process of a service: an APScheduler 3 ``BlockingScheduler`` that only says "it is time".

The work itself is claimed from the database by each job, so several workers on PostgreSQL are
safe. On SQLite, run exactly one worker per service.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine, insert, update

from services.common.clock import SystemClock
from services.common.tables import PlatformTables

log = logging.getLogger("cxloop.worker")


@dataclass(frozen=True)
class Job:
    """A periodic job: a name, a function of no arguments, and its interval."""

    name: str
    func: Callable[[], object]
    seconds: float


class Heartbeat:
    """Records that this worker is alive, in the service's own database."""

    def __init__(self, engine: Engine, tables: PlatformTables, clock=None) -> None:
        self.engine, self.tables = engine, tables
        self.clock = clock or SystemClock()
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.started_at: datetime | None = None

    def beat(self) -> None:
        """Insert or refresh this worker's heartbeat row."""
        now = self.clock.now()
        beats = self.tables.heartbeats
        with self.engine.begin() as connection:
            if self.started_at is None:
                self.started_at = now
                connection.execute(insert(beats).values(worker_id=self.worker_id, started_at=now, beat_at=now))
            else:
                connection.execute(update(beats).where(beats.c.worker_id == self.worker_id).values(beat_at=now))


def _guarded(job: Job) -> Callable[[], None]:
    def run() -> None:
        try:
            job.func()
        except Exception:  # a failing job is logged and tried again at its next turn
            log.exception("job failed", extra={"job": job.name})
    return run


def run_worker(service: str, jobs: list[Job]) -> None:
    """Start the scheduler with the given jobs and block until SIGTERM or SIGINT."""
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for job in jobs:
        scheduler.add_job(_guarded(job), "interval", seconds=job.seconds, id=job.name, name=job.name,
                          next_run_time=SystemClock().now())

    def stop(signum, _frame) -> None:
        log.info("worker stopping", extra={"job": signal.Signals(signum).name})
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started", extra={"job": ",".join(job.name for job in jobs)})
    scheduler.start()


def platform_jobs(service: str, config, engine: Engine, tables: PlatformTables, handlers, clock=None,
                  retries=None) -> list[Job]:
    """The heartbeat and the outbox relay, which every worker runs (``retries``: a ``RetryPlan`` per
    destination that is retried longer or shorter than the service's outbox settings say)."""
    from services.common.outbox import Backoff, OutboxRelay

    clock = clock or SystemClock()
    heartbeat = Heartbeat(engine, tables, clock)
    relay = OutboxRelay(engine, tables, handlers, service=service, batch_size=config.OUTBOX_BATCH_SIZE,
                        max_attempts=config.OUTBOX_MAX_ATTEMPTS,
                        backoff=Backoff(config.OUTBOX_BACKOFF_BASE_SECONDS, config.OUTBOX_BACKOFF_CAP_SECONDS),
                        lease=timedelta(seconds=config.OUTBOX_LEASE_SECONDS), retries=retries)
    return [Job("heartbeat", heartbeat.beat, config.HEARTBEAT_SECONDS),
            Job("outbox_relay", lambda: relay.drain(clock.now), config.OUTBOX_INTERVAL_SECONDS)]
