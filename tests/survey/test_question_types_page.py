"""Question types on the response page and in the invitation email, read from the one registry:
labels in the customer's language, and a clear page (never a 500, never a silent 1-5 scale) for a
stored survey whose question type this build does not know."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.survey.delivery import OutgoingInvitation, ScoreLink
from services.survey.delivery.email_message import html_body
from services.survey.models import PLATFORM
from services.survey.models.responses import Response
from tests.survey.response_support import (
    DEFINITION,
    T0,
    publish_survey,
    send_invitation,
)

SECRET = "test-token-secret"


def _app(make_service, definition):
    clock = ManualClock(T0 + timedelta(hours=1))
    service = make_service("survey", clock=clock, env={"SURVEY_TOKEN_SECRET": SECRET})
    service.session = Session(bind=service.connection, join_transaction_mode="create_savepoint",
                              expire_on_commit=False)
    service.survey = publish_survey(service.session, definition=definition)
    service.session.commit()
    service.http = service.client()
    return service


def _invite(service, **kwargs):
    invitation, token = send_invitation(service.session, service.survey, SECRET, **kwargs)
    service.session.commit()
    return invitation, token


def _stored(service, invitation):
    service.session.expire_all()
    return service.session.scalar(select(Response).where(Response.invitation_id == invitation.id))


@pytest.fixture
def unknown_type_app(make_service):
    """A published version holding a type this build does not know (written by another version)."""
    definition = copy.deepcopy(DEFINITION)
    definition["questions"].insert(1, {"key": "agree", "type": "likert", "required": True,
                                       "text": {"ko": "동의하십니까?", "en": "Do you agree?"}})
    return _app(make_service, definition)


def test_an_unknown_type_shows_a_clear_page_and_stores_nothing(unknown_type_app):
    invitation, token = _invite(unknown_type_app, language="en")
    for reply in (unknown_type_app.http.get(f"/r/{token}"),
                  unknown_type_app.http.get(f"/r/{token}?score=2&q=agree"),
                  unknown_type_app.http.post(f"/r/{token}", data={"q_nps": "9", "q_agree": "3"})):
        html = reply.get_data(as_text=True)
        assert reply.status_code == 503
        assert "This survey cannot be shown" in html and 'name="q_' not in html  # no silent 1-5 scale
        assert reply.headers["Cache-Control"] == "no-store"
    opened = _stored(unknown_type_app, invitation)  # a plain open may record the visit, never an answer
    assert opened is None or opened.answers == {}
    assert unknown_type_app.connection.execute(select(PLATFORM.outbox)).all() == []


def test_the_unknown_type_page_speaks_korean(unknown_type_app):
    _, token = _invite(unknown_type_app)
    reply = unknown_type_app.http.get(f"/r/{token}?lang=ko")
    assert reply.status_code == 503 and "설문을 표시할 수 없습니다" in reply.get_data(as_text=True)


def test_scale_words_come_from_the_registry_in_each_language(make_service):
    service = _app(make_service, DEFINITION)
    _, korean = _invite(service, customer_id="c-ko", language="ko")
    _, english = _invite(service, customer_id="c-en", language="en")
    ko = service.http.get(f"/r/{korean}").get_data(as_text=True)
    en = service.http.get(f"/r/{english}").get_data(as_text=True)
    assert "0 = 전혀 추천하지 않음" in ko and "5 = 매우 만족" in ko and "별 5개 중 3개" in ko
    assert "0 = Not at all likely" in en and "10 = Extremely likely" in en and "3 of 5 stars" in en
    assert re.findall(r'name="q_stars" value="(\d+)"', en) == ["1", "2", "3", "4", "5"]


def test_the_invitation_email_names_the_ends_of_the_question_types_scale():
    outgoing = OutgoingInvitation(
        invitation_id=1, channel="email", customer_id="c-1", email="c@example.com", phone=None, language="ko",
        title="배송", intro="", survey_url="https://cx.example.com/r/t",
        unsubscribe_url="https://cx.example.com/unsubscribe/t", expires_at=T0.isoformat(),
        question_key="ces", question_text="쉬웠나요?", question_type="ces",
        score_links=tuple(ScoreLink(s, f"https://cx.example.com/r/t?score={s}") for s in range(1, 8)))
    assert "1 = 매우 어려움" in html_body(outgoing) and "7 = 매우 쉬움" in html_body(outgoing)
    rating = OutgoingInvitation(**{**outgoing.__dict__, "question_type": "rating", "language": "en"})
    assert " = " not in html_body(rating)  # a type without end words: none, as on the page
