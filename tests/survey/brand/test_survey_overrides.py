"""A survey's own sender name, thank-you text and redirect, and its skip logic, as the contract takes them."""

from __future__ import annotations

from services.survey.delivery import OutgoingInvitation
from services.survey.delivery.email_message import build_email
from tests.survey.conftest import T0, survey_body

SHOW_WHY = [{"question": "nps", "op": "lte", "value": 6}]


def test_overrides_are_stored_in_the_version(survey_app):
    survey = survey_app.published_survey(sender_name="하늘마켓 배송팀", thank_you={"ko": "고맙습니다", "en": "Thanks"},
                                         redirect_url="https://haneul.example/after")
    version = survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/1")
    assert version.status_code == 200, version.json
    definition = version.json["definition"]
    assert definition["sender_name"] == "하늘마켓 배송팀" and definition["redirect_url"] == "https://haneul.example/after"
    assert definition["thank_you"] == {"ko": "고맙습니다", "en": "Thanks"}

def test_redirect_must_be_https_without_credentials(survey_app):
    for url in ("http://haneul.example/", "https://user:pw@haneul.example/", "javascript:alert(1)"):
        reply = survey_app.call("post", "/v1/surveys", json=survey_body(redirect_url=url))
        assert reply.status_code == 422 and "redirect_url" in reply.json["errors"]["json"], url


def test_thank_you_needs_the_default_language(survey_app):
    reply = survey_app.call("post", "/v1/surveys", json=survey_body(thank_you={"en": "Thanks"}))
    assert reply.status_code == 422 and "thank_you" in reply.json["errors"]


def test_show_if_refers_only_to_earlier_questions_with_trigger_operators(survey_app):
    body = survey_body()
    body["questions"][2]["show_if"] = SHOW_WHY
    assert survey_app.call("post", "/v1/surveys", json=body).status_code == 201
    body["questions"][0]["show_if"] = [{"question": "why", "op": "eq", "value": "fast"}]
    forward = survey_app.call("post", "/v1/surveys", json=body)
    assert forward.status_code == 422 and "not an earlier question" in str(forward.json["errors"])
    body["questions"][0]["show_if"] = None
    body["questions"][2]["show_if"] = [{"question": "nps", "op": "between", "value": 6}]
    assert survey_app.call("post", "/v1/surveys", json=body).status_code == 422
    body["questions"][2]["show_if"] = [{"question": "nps", "op": "in", "value": 6}]
    assert "needs a list" in str(survey_app.call("post", "/v1/surveys", json=body).json["errors"])


def test_the_surveys_sender_name_is_the_from_name():
    outgoing = OutgoingInvitation(
        invitation_id=7, channel="email", customer_id="c", email="c@example.com", phone=None, language="ko",
        title="배송", intro="", survey_url="https://cx.example.com/r/t",
        unsubscribe_url="https://cx.example.com/unsubscribe/t", expires_at=T0.isoformat(),
        sender_name="하늘마켓 배송팀")
    message = build_email(outgoing, sender="cxloop <surveys@cxloop.invalid>")
    assert message["From"].addresses[0].display_name == "하늘마켓 배송팀"
    assert message["From"].addresses[0].addr_spec == "surveys@cxloop.invalid"
