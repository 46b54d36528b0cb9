"""A published bilingual survey and sent invitations, written straight to the survey database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.survey.models import Customer, Invitation, Survey, SurveyVersion
from services.survey.tokens import derive_token, hash_token, new_nonce

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

DEFINITION = {
    "touchpoint": "delivery", "default_language": "ko", "fallback_languages": ["en"],
    "title": {"ko": "배송 만족도 조사", "en": "Delivery survey"},
    "intro": {"ko": "잠시만 시간을 내주세요.", "en": "It takes a minute."},
    "questions": [
        {"key": "nps", "type": "nps", "required": True,
         "text": {"ko": "친구에게 추천하실 가능성은 얼마나 되나요?", "en": "How likely are you to recommend us?"}},
        {"key": "csat", "type": "csat", "required": True, "dimension": "feel",
         "text": {"ko": "배송에 얼마나 만족하셨나요?", "en": "How satisfied were you with the delivery?"}},
        {"key": "stars", "type": "rating", "scale_max": 5,
         "text": {"ko": "포장 상태를 평가해 주세요", "en": "Rate the packaging"}},
        {"key": "reason", "type": "single_choice",
         "text": {"ko": "가장 중요한 점은?", "en": "What matters most?"},
         "choices": [{"key": "speed", "label": {"ko": "속도", "en": "Speed"}},
                     {"key": "care", "label": {"ko": "친절", "en": "Care"}}]},
        {"key": "extras", "type": "multi_choice",
         "text": {"ko": "이용한 서비스", "en": "Services used"},
         "choices": [{"key": "tracking", "label": {"ko": "배송 조회", "en": "Tracking"}},
                     {"key": "chat", "label": {"ko": "상담", "en": "Chat"}}]},
        {"key": "comment", "type": "text", "text": {"ko": "하고 싶은 말씀", "en": "Anything else?"}},
    ],
}


def publish_survey(session, *, definition=DEFINITION, now=T0) -> Survey:
    """A published survey at version 1."""
    survey = Survey(name="Delivery CSAT", status="published", touchpoint=definition["touchpoint"],
                    recontact_days=30, live_version=1, draft=None, created_at=now, updated_at=now)
    session.add(survey)
    session.flush()
    session.add(SurveyVersion(survey_id=survey.id, version=1, touchpoint=definition["touchpoint"],
                              definition=definition, published_at=now))
    session.flush()
    return survey


def send_invitation(session, survey: Survey, secret: str, *, customer_id: str = "c-1", language: str = "ko",
                    now=T0, expires_in=timedelta(days=7), attributes=None) -> tuple[Invitation, str]:
    """A sent email invitation and its plaintext token."""
    if session.get(Customer, customer_id) is None:
        session.add(Customer(id=customer_id, email=f"{customer_id}@example.com", locale=language,
                             attributes=attributes or {"region": "Seoul"}, created_at=now, updated_at=now))
    nonce = new_nonce()
    token = derive_token(secret, nonce)
    invitation = Invitation(survey_id=survey.id, survey_version=1, customer_id=customer_id, channel="email",
                            priority=0, status="sent", language=language, due_at=None,
                            expires_at=now + expires_in, sent_at=now, attempts=1, token_nonce=nonce,
                            token_hash=hash_token(token), created_at=now, updated_at=now)
    session.add(invitation)
    session.flush()
    return invitation, token
