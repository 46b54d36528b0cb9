"""A low-score signal carries the words of what the customer answered, in the customer's language:
the questions' text and the chosen choices' labels (a notice shows "배송 조회; 상담", never keys)."""

from __future__ import annotations

from shared.contracts.signals import SignalSchema
from tests.survey.test_response_page import invite, signals, survey_app  # noqa: F401 - the fixture


def test_the_signal_names_questions_and_choices_in_the_customer_language(survey_app):  # noqa: F811
    _, token = invite(survey_app)
    form = {"q_nps": "2", "q_csat": "1", "q_reason": "speed", "q_extras": ["tracking", "chat"],
            "q_comment": "너무 늦었어요"}
    assert survey_app.http.post(f"/r/{token}", data=form).status_code == 200
    [signal] = signals(survey_app)
    SignalSchema().load(signal)  # the notifier accepts it
    questions = signal["questions"]
    assert questions["extras"] == {"text": "이용한 서비스", "choices": {"tracking": "배송 조회", "chat": "상담"}}
    assert questions["reason"]["choices"]["speed"] == "속도" and questions["nps"]["choices"] == {}
    assert "stars" not in questions  # only what was answered
    assert signal["survey_title"]
