"""The settle job: send the low-score signals of link clicks nobody confirmed within the settle time.

A one-click score from an email (a GET) is recorded at once but signalled only when the customer
submits the page or ``signal_due_at`` passes (``downstream.settle_signal``). This job sends the due
ones; the signal goes to the outbox in the same transaction, so no HTTP call runs while rows are
locked. Each response runs in its own savepoint: one that fails is set aside and the others go on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.set_aside import isolate, not_set_aside
from services.survey.models import PLATFORM, SurveyVersion
from services.survey.models.responses import Response
from services.survey.responding.downstream import DownstreamSettings, current_record, settle_signal

SET_ASIDE_KIND = "signal"


def send_settled_signals(session: Session, *, now: datetime, settings: DownstreamSettings,
                         limit: int = 100) -> int:
    """Signal up to ``limit`` partial responses whose settle time passed; commit. Returns how many were due."""
    due = list(session.scalars(
        select(Response).where(Response.signal_due_at <= now, Response.completed.is_(False),
                               not_set_aside(PLATFORM, SET_ASIDE_KIND, Response.id))
        .order_by(Response.signal_due_at).limit(limit).with_for_update(skip_locked=True)))

    def signal(response: Response) -> None:
        version = session.get(SurveyVersion, (response.survey_id, response.survey_version))
        if version is None:
            raise LookupError(f"survey {response.survey_id} v{response.survey_version} is missing")
        settle_signal(session, response, current_record(response, version.definition), settings=settings,
                      now=now, confirmed=True, definition=version.definition)

    isolate(session, PLATFORM, due, signal, service="survey", kind=SET_ASIDE_KIND,
            key=lambda response: response.id, now=now)
    session.commit()
    return len(due)
