"""Worker process of the metrics service: `python -m services.metrics.worker`."""

from __future__ import annotations

from services.common.db import make_engine
from services.common.observability import configure_logging
from services.common.worker import Job, platform_jobs, run_worker
from services.metrics.config import Config
from services.metrics.models import PLATFORM


def build_jobs(config: Config, engine, clock=None) -> list[Job]:
    """The jobs this worker runs."""
    from services.metrics.finance.jobs import finance_jobs

    handlers: dict = {}
    return [*platform_jobs("metrics", config, engine, PLATFORM, handlers, clock),
            *finance_jobs(config, engine, clock)]


def main() -> None:
    """Start the scheduler (blocks until SIGTERM)."""
    config = Config()
    configure_logging("metrics-worker", config.LOG_LEVEL)
    run_worker("metrics", build_jobs(config, make_engine(config.DATABASE_URL)))


if __name__ == "__main__":
    main()
