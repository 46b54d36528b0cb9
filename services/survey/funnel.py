"""A survey's funnel: of the invitations sent in a range, how many were opened, started and completed."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, cast, func, select
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.survey.models.invitations import Invitation
from services.survey.models.responses import Response
from services.survey.surveys import get_survey


def _median_seconds(session: Session, sent_in_range: ColumnElement[bool]) -> float | None:
    """The median seconds from opening to submitting of the completed responses.

    On PostgreSQL in the database: the lower and upper middle values (``percentile_disc`` in both orders)
    averaged, which is what ``statistics.median`` returns, to the last bit. SQLite (development, tests)
    has no ordered-set aggregates: there the durations are fetched.
    """
    done = and_(sent_in_range, Response.completed_at.is_not(None))
    if is_postgres(session):
        seconds = cast(func.extract("epoch", Response.completed_at - Response.opened_at), Float)
        low, high = session.execute(
            select(func.percentile_disc(0.5).within_group(seconds.asc()),
                   func.percentile_disc(0.5).within_group(seconds.desc()))
            .join(Invitation, Response.invitation_id == Invitation.id).where(done)).one()
        return None if low is None else (low + high) / 2
    durations = [(completed - opened).total_seconds() for opened, completed in session.execute(
        select(Response.opened_at, Response.completed_at).join(Invitation, Response.invitation_id == Invitation.id)
        .where(done))]
    return statistics.median(durations) if durations else None


def survey_funnel(session: Session, survey_id: int, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Counts of each funnel step for invitations sent in [start, end), and the median seconds from
    opening to submitting (raises ``SurveyNotFoundError``)."""
    get_survey(session, survey_id)
    sent_in_range = and_(Invitation.survey_id == survey_id, Invitation.sent_at >= start, Invitation.sent_at < end)
    row = session.execute(
        select(func.count(Invitation.id), func.count(Response.id),
               func.count(Response.first_answer_at),
               func.count(Response.completed_at))
        .select_from(Invitation).outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(sent_in_range)).one()
    imported = session.scalar(select(func.count(Response.id)).where(
        Response.survey_id == survey_id, Response.invitation_id.is_(None), Response.completed,
        Response.completed_at >= start, Response.completed_at < end))
    return {"survey_id": survey_id, "from_": start, "to": end, "sent": row[0], "opened": row[1],
            "started": row[2], "completed": row[3], "imported": imported or 0,
            "median_seconds_to_complete": _median_seconds(session, sent_in_range)}
