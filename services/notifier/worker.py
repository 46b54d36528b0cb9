"""Worker process of the notifier service: `python -m services.notifier.worker`."""

from __future__ import annotations

import logging

from sqlalchemy.orm import sessionmaker

from services.common.clock import SystemClock
from services.common.db import make_engine
from services.common.observability import configure_logging
from services.common.worker import Job, platform_jobs, run_worker
from services.notifier.cases.reminders import DESTINATION, remind_overdue, reminder_handler
from services.notifier.channels.handlers import build_handlers
from services.notifier.clients.metrics import MetricsClient
from services.notifier.config import Config
from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.notifier.models import PLATFORM

log = logging.getLogger("cxloop.notifier")


def evaluation_job(config: Config, engine, clock, metrics=None, max_batches: int = 200):
    """A function that evaluates due subscriptions, batch after batch, until none is due."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    settings = EvaluationSettings.from_config(config)
    client = metrics or MetricsClient.from_config(config)

    def run() -> int:
        evaluated = 0
        for _ in range(max_batches):
            with factory() as session:
                result = evaluate_due(session, client, now=clock.now(), settings=settings)
            evaluated += result.evaluated
            if result.delayed:
                log.warning("metrics unavailable; %d evaluations delayed", result.delayed)
            if result.evaluated < settings.batch_size:
                break
        return evaluated
    return run


def case_reminder_job(engine, clock, batch_size: int = 100, max_batches: int = 50):
    """A function that queues the one reminder of every overdue assigned case, batch after batch."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    def run() -> int:
        reminded = 0
        for _ in range(max_batches):
            with factory() as session:
                count = remind_overdue(session, now=clock.now(), limit=batch_size)
            reminded += count
            if count < batch_size:
                break
        return reminded
    return run


def build_jobs(config: Config, engine, clock=None) -> list[Job]:
    """The jobs this worker runs: heartbeat, outbox relay, evaluation of due subscriptions, case reminders."""
    clock = clock or SystemClock()
    handlers = {**build_handlers(config, engine), DESTINATION: reminder_handler(config, engine, clock=clock)}
    return [*platform_jobs("notifier", config, engine, PLATFORM, handlers, clock),
            Job("evaluate_subscriptions", evaluation_job(config, engine, clock),
                config.EVALUATION_INTERVAL_SECONDS),
            Job("remind_overdue_cases", case_reminder_job(engine, clock), config.CASE_REMINDER_INTERVAL_SECONDS)]


def main() -> None:
    """Start the scheduler (blocks until SIGTERM)."""
    config = Config()
    configure_logging("notifier-worker", config.LOG_LEVEL)
    run_worker("notifier", build_jobs(config, make_engine(config.DATABASE_URL)))


if __name__ == "__main__":
    main()
