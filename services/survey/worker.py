"""Worker process of the survey service: `python -m services.survey.worker`."""

from __future__ import annotations

from services.common.db import make_engine
from services.common.observability import configure_logging
from services.common.worker import Job, platform_jobs, run_worker
from services.survey.config import Config
from services.survey.models import PLATFORM


def build_jobs(config: Config, engine, clock=None) -> list[Job]:
    """The jobs this worker runs."""
    handlers: dict = {}
    return platform_jobs("survey", config, engine, PLATFORM, handlers, clock)


def main() -> None:
    """Start the scheduler (blocks until SIGTERM)."""
    config = Config()
    configure_logging("survey-worker", config.LOG_LEVEL)
    run_worker("survey", build_jobs(config, make_engine(config.DATABASE_URL)))


if __name__ == "__main__":
    main()
