"""Worker jobs of the finance half: run queued CLV fits, schedule the nightly refit."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from services.common.clock import SystemClock
from services.common.worker import Job
from services.metrics.finance.clv_fits import claim_next_fit, run_fit, schedule_nightly_fit
from services.metrics.models.finance import ClvFit

log = logging.getLogger("cxloop.metrics.clv")


def run_queued_fits(session_factory: sessionmaker, clock, *, n_draws: int, max_fits: int = 10) -> int:
    """Claim and run pending fits one at a time; return how many ran."""
    ran = 0
    while ran < max_fits:
        with session_factory() as session:
            fit_id = claim_next_fit(session, now=clock.now())
            if fit_id is None:
                return ran
            try:
                run_fit(session, fit_id=fit_id, now=clock.now, n_draws=n_draws)
            except Exception:  # a bug must not leave the fit "running" for hours: mark it failed
                log.exception("CLV fit crashed", extra={"job": "clv_fits"})
                session.rollback()
                fit = session.get(ClvFit, fit_id)
                fit.status, fit.error, fit.finished_at = "failed", "internal error (see the worker log)", clock.now()
                session.commit()
        ran += 1
    return ran


def schedule_nightly(session_factory: sessionmaker, clock, *, time_unit: str) -> None:
    """Request yesterday's fit if no worker has yet."""
    with session_factory() as session:
        schedule_nightly_fit(session, now=clock.now(), time_unit=time_unit)


def finance_jobs(config, engine: Engine, clock=None) -> list[Job]:
    """The CLV fit runner and, unless switched off, the nightly refit."""
    clock = clock or SystemClock()
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    jobs = [Job("clv_fits", lambda: run_queued_fits(factory, clock, n_draws=config.CLV_DRAWS),
                config.CLV_FIT_POLL_SECONDS)]
    if config.CLV_NIGHTLY_TIME_UNIT:
        jobs.append(Job("clv_nightly_refit", lambda: schedule_nightly(factory, clock,
                                                                      time_unit=config.CLV_NIGHTLY_TIME_UNIT),
                        config.CLV_NIGHTLY_CHECK_SECONDS))
    return jobs
