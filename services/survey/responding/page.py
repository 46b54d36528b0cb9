"""Use cases of the response page: open it (with an optional one-click score) and submit it.

A link works once: the response row is locked while it is completed, and a completed response is
never changed again. Unknown, expired and otherwise closed links all give the same neutral view.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.survey.models import Customer, Invitation, JourneyEvent, SurveyVersion, find_invitation_by_token
from services.survey.models.responses import Response
from services.survey.responding.downstream import DownstreamSettings, send_downstream
from services.survey.responding.forms import parse_score
from services.survey.responding.skip_logic import read_page
from services.survey.survey_definition import pick_language
from shared.statuses import InvitationStatus

ANSWERABLE = (InvitationStatus.SENT,)


@dataclass
class PageView:
    """What the page shows: ``kind`` is form, thanks, answered, neutral, too_large or unsupported."""

    kind: str
    status: int = 200
    language: str = "en"
    definition: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    recorded_score: int | None = None
    page: int | None = None  # the page of a survey cut into pages by its skip logic (None: the first)


def _open_invitation(session: Session, token: str, now: datetime) -> tuple[Invitation, dict] | None:
    invitation = find_invitation_by_token(session, token)
    if invitation is None or invitation.expires_at <= now:
        return None
    if invitation.status not in ANSWERABLE and invitation.responded_at is None:
        return None
    version = session.get(SurveyVersion, (invitation.survey_id, invitation.survey_version))
    return (invitation, version.definition) if version is not None else None


def _language(definition: dict, invitation: Invitation, requested: str | None) -> str:
    return pick_language(definition, requested or invitation.language)


def _response_for(session: Session, invitation: Invitation, definition: dict, now: datetime,
                  *, lock: bool) -> Response:
    query = select(Response).where(Response.invitation_id == invitation.id)
    response = session.scalar(query.with_for_update() if lock else query)
    if response is not None:
        return response
    customer = session.get(Customer, invitation.customer_id)
    event = (session.scalar(select(JourneyEvent).where(JourneyEvent.event_id == invitation.event_id))
             if invitation.event_id else None)
    response = Response(
        id=secrets.token_hex(16), invitation_id=invitation.id, survey_id=invitation.survey_id,
        survey_version=invitation.survey_version, customer_id=invitation.customer_id,
        touchpoint=definition.get("touchpoint"), channel=invitation.channel,
        event_type=event.type if event else None, event_at=event.occurred_at if event else None,
        lang=invitation.language, attributes=dict(customer.attributes or {}) if customer else {},
        answers={}, version=1, completed=False, opened_at=now, created_at=now, updated_at=now)
    session.add(response)
    session.flush()
    return response


def _with_retry(session: Session, work):
    """Run ``work`` once more if a concurrent first open created the same response row."""
    try:
        return work()
    except IntegrityError:
        session.rollback()
        return work()


def open_page(session: Session, token: str, *, now: datetime, settings: DownstreamSettings,
              lang: str | None = None, score: str | None = None, question_key: str | None = None) -> PageView:
    """Show the survey; a one-click ``score`` is recorded at once (partial, shown preselected).

    Its low-score signal waits for a submit or the settle time: a GET is what mail scanners make.
    """
    def work() -> PageView:
        opened = _open_invitation(session, token, now)
        if opened is None:
            return PageView(kind="neutral", status=404, language=lang or "en")
        invitation, definition = opened
        language = _language(definition, invitation, lang)
        response = _response_for(session, invitation, definition, now, lock=score is not None)
        if response.completed:
            session.commit()
            return PageView(kind="answered", language=language, definition=definition)
        recorded = None
        question = next((q for q in definition["questions"] if q["key"] == question_key), None)
        value = parse_score(question, score) if question is not None else None
        if question is not None and value is not None:
            response.answers = {**response.answers, question["key"]: value}
            _touch(response, now, language)
            # a GET (a mail scanner makes them too): recorded, but its low score waits (settle_signal)
            send_downstream(session, response, definition, settings=settings, now=now, confirmed=False)
            recorded = value
        session.commit()
        return PageView(kind="form", language=language, definition=definition,
                        answers=dict(response.answers), recorded_score=recorded)
    return _with_retry(session, work)


def submit_page(session: Session, token: str, form: Mapping[str, list[str]], *, now: datetime,
                settings: DownstreamSettings, lang: str | None = None) -> PageView:
    """Check and store the answers; complete the response, or show what needs fixing."""
    def work() -> PageView:
        opened = _open_invitation(session, token, now)
        if opened is None:
            return PageView(kind="neutral", status=404, language=lang or "en")
        invitation, definition = opened
        language = _language(definition, invitation, lang)
        response = _response_for(session, invitation, definition, now, lock=True)
        if response.completed:
            session.commit()
            return PageView(kind="answered", language=language, definition=definition)
        step = read_page(definition["questions"], form, stored=response.answers)
        answers, errors = step.answers, step.errors
        changed = answers != response.answers
        if changed:
            response.answers = answers  # valid partial answers are kept even when some need fixing
            _touch(response, now, language)
        response.shown_questions = step.shown
        if errors or step.next_page is not None:
            if changed:  # a refused answer is never stored, and an unchanged response is not resent
                send_downstream(session, response, definition, settings=settings, now=now, confirmed=True)
            session.commit()
            if errors:
                return PageView(kind="form", status=422, language=language, definition=definition,
                                answers={**answers, **step.refused}, errors=errors, page=step.page)
            return PageView(kind="form", language=language, definition=definition, answers=dict(answers),
                            page=step.next_page)
        response.completed, response.completed_at = True, now
        _touch(response, now, language)
        invitation.responded_at, invitation.status, invitation.updated_at = now, InvitationStatus.RESPONDED, now
        send_downstream(session, response, definition, settings=settings, now=now, confirmed=True)
        session.commit()
        return PageView(kind="thanks", language=language, definition=definition)
    return _with_retry(session, work)


def _touch(response: Response, now: datetime, language: str) -> None:
    response.version += 1
    response.updated_at = now
    response.lang = language
    if response.first_answer_at is None and response.answers:
        response.first_answer_at = now
