"""The response page at app level on both databases: languages, one-click score, validation,
single use, neutral page for unknown and expired links, and what goes downstream."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.survey.models import PLATFORM, Invitation
from services.survey.models.responses import Response
from services.survey.responding.signals import send_settled_signals
from services.survey.runtime import downstream_settings
from tests.survey.response_support import T0, publish_survey, send_invitation

SECRET = "test-token-secret"


@pytest.fixture
def survey_app(make_service):
    clock = ManualClock(T0 + timedelta(hours=1))
    service = make_service("survey", clock=clock, env={"SURVEY_TOKEN_SECRET": SECRET})
    service.clock = clock
    service.session = Session(bind=service.connection, join_transaction_mode="create_savepoint",
                              expire_on_commit=False)
    service.survey = publish_survey(service.session)
    service.session.commit()
    service.http = service.client()
    return service


def invite(service, **kwargs):
    invitation, token = send_invitation(service.session, service.survey, SECRET, **kwargs)
    service.session.commit()
    return invitation, token


def outbox(service):
    rows = service.connection.execute(select(PLATFORM.outbox).order_by(PLATFORM.outbox.c.id)).all()
    return [(r.destination, r.payload) for r in rows]


def stored(service, invitation) -> Response | None:
    service.session.expire_all()
    return service.session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def test_korean_page_renders_every_question_type(survey_app):
    _, token = invite(survey_app)
    page = survey_app.http.get(f"/r/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="ko">' in html
    assert "친구에게 추천하실 가능성은 얼마나 되나요?" in html and "전혀 추천하지 않음" in html
    assert re.findall(r'name="q_nps" value="(\d+)"', html) == [str(v) for v in range(11)]
    assert re.findall(r'name="q_csat" value="(\d+)"', html) == [str(v) for v in range(1, 6)]
    assert "별 5개 중 3개" in html  # stars carry an accessible label
    assert 'type="checkbox" name="q_extras"' in html and 'type="radio" name="q_reason"' in html
    assert 'maxlength="2000"' in html
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"


def test_lang_override_and_fallback(survey_app):
    _, token = invite(survey_app, language="fr")  # no French: the survey's fallback order applies
    french = survey_app.http.get(f"/r/{token}").get_data(as_text=True)
    assert '<html lang="en">' in french and "How likely are you to recommend us?" in french
    korean = survey_app.http.get(f"/r/{token}?lang=ko").get_data(as_text=True)
    assert '<html lang="ko">' in korean


def test_one_click_score_is_recorded_at_once_as_a_partial_response(survey_app):
    invitation, token = invite(survey_app)
    page = survey_app.http.get(f"/r/{token}?score=9&q=nps")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'name="q_nps" value="9" checked', html)
    response = stored(survey_app, invitation)
    assert response.answers == {"nps": 9} and response.completed is False
    assert response.first_answer_at is not None and response.opened_at is not None
    messages = outbox(survey_app)
    assert [d for d, _ in messages] == ["metrics"]
    assert messages[0][1]["completed"] is False and messages[0][1]["answers"][0]["value"] == 9
    assert survey_app.http.get(f"/r/{token}?score=42&q=nps").status_code == 200  # ignored, not stored
    assert stored(survey_app, invitation).answers == {"nps": 9}


def settle_signals(service, **advance):
    """Run the settle job once, ``advance`` after the current time."""
    service.clock.advance(**advance)
    with service.app.extensions["db"].session_factory() as session:
        return send_settled_signals(session, now=service.clock.now(),
                                    settings=downstream_settings(service.app.config))


def signals(service):
    return [payload for destination, payload in outbox(service) if destination == "notifier"]


def test_a_link_click_alone_sends_no_signal_before_the_settle_time(survey_app):
    """A mail scanner that follows every score link makes GETs only: nothing reaches a team lead."""
    invitation, token = invite(survey_app)
    for score in range(11):  # what a scanner does with the 11 links of the email
        assert survey_app.http.get(f"/r/{token}?score={score}&q=nps").status_code == 200
    assert survey_app.http.get(f"/r/{token}?score=2&q=nps").status_code == 200
    assert signals(survey_app) == []  # recorded as clicked (partial, preselected), not signalled
    assert stored(survey_app, invitation).answers == {"nps": 2}
    settle = survey_app.app.config["SIGNAL_SETTLE_MINUTES"]
    assert settle_signals(survey_app, minutes=settle - 1) == 0 and signals(survey_app) == []
    assert settle_signals(survey_app, minutes=1) == 1  # nobody changed it within the settle time
    [signal] = signals(survey_app)
    assert signal["score"] == 2 and signal["revision"] == 1 and signal["low"] is True
    assert settle_signals(survey_app, minutes=settle) == 0 and len(signals(survey_app)) == 1


def test_each_click_moves_the_settle_time_and_a_high_last_click_sends_nothing(survey_app):
    _, token = invite(survey_app)
    survey_app.http.get(f"/r/{token}?score=2&q=nps")
    survey_app.clock.advance(minutes=10)
    survey_app.http.get(f"/r/{token}?score=9&q=nps")
    assert settle_signals(survey_app, minutes=60) == 0 and signals(survey_app) == []


def test_a_submit_sends_the_signal_at_once_and_only_once(survey_app):
    invitation, token = invite(survey_app)
    assert survey_app.http.get(f"/r/{token}?score=2&q=nps").status_code == 200
    assert signals(survey_app) == []
    survey_app.clock.advance(minutes=3)
    form = {"q_nps": "2", "q_csat": "1", "q_comment": "너무 늦었어요"}
    assert "감사합니다!" in survey_app.http.post(f"/r/{token}", data=form).get_data(as_text=True)
    [signal] = signals(survey_app)
    assert signal["metric"] == "nps" and signal["score"] == 2 and signal["comment"] == "너무 늦었어요"
    assert signal["answered_at"] == stored(survey_app, invitation).completed_at.isoformat()
    assert settle_signals(survey_app, minutes=60) == 0 and len(signals(survey_app)) == 1  # went once


def test_a_change_after_the_signal_sends_a_correction(survey_app):
    invitation, token = invite(survey_app)
    survey_app.http.get(f"/r/{token}?score=2&q=nps")
    settle_signals(survey_app, minutes=survey_app.app.config["SIGNAL_SETTLE_MINUTES"])
    assert [s["score"] for s in signals(survey_app)] == [2]
    survey_app.clock.advance(hours=2)
    survey_app.http.get(f"/r/{token}?score=4&q=nps")  # the customer changes the answer
    first, correction = signals(survey_app)
    assert (correction["score"], correction["revision"], correction["low"]) == (4, 2, True)
    assert stored(survey_app, invitation).signalled["score"] == 4
    form = {"q_nps": "9", "q_csat": "5"}
    assert survey_app.http.post(f"/r/{token}", data=form).status_code == 200
    *_, last = signals(survey_app)
    assert (last["metric"], last["score"], last["revision"], last["low"]) == ("nps", 9, 3, False)
    keys = survey_app.connection.execute(select(PLATFORM.outbox.c.idempotency_key, PLATFORM.outbox.c.ordering_key)
                                         .where(PLATFORM.outbox.c.destination == "notifier")).all()
    assert {ordering for _, ordering in keys} == {f"signal:{first['response_id']}"}  # kept in order


def test_missing_required_answer_keeps_what_was_entered(survey_app):
    invitation, token = invite(survey_app)
    reply = survey_app.http.post(f"/r/{token}", data={"q_nps": "8", "q_comment": "포장이 엉망이었어요"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "이 질문에 답해 주세요." in html and 'href="#q-csat"' in html
    assert "포장이 엉망이었어요</textarea>" in html
    assert re.search(r'name="q_nps" value="8" checked', html)
    response = stored(survey_app, invitation)
    assert response.completed is False and response.answers["comment"] == "포장이 엉망이었어요"


def test_submit_completes_once_and_sends_a_low_score_signal(survey_app):
    invitation, token = invite(survey_app, attributes={"region": "Busan", "plan": "pro"})
    form = {"q_nps": "3", "q_csat": "2", "q_stars": "4", "q_reason": "speed",
            "q_extras": ["tracking", "chat"], "q_comment": "배송이 너무 늦었어요"}
    thanks = survey_app.http.post(f"/r/{token}", data=form)
    assert thanks.status_code == 200 and "감사합니다!" in thanks.get_data(as_text=True)
    response = stored(survey_app, invitation)
    assert response.completed and response.answers == {"nps": 3, "csat": 2, "stars": 4, "reason": "speed",
                                                       "extras": ["tracking", "chat"], "comment": "배송이 너무 늦었어요"}
    assert response.attributes == {"region": "Busan", "plan": "pro"}
    survey_app.session.expire_all()
    assert survey_app.session.get(Invitation, invitation.id).responded_at is not None
    destinations = [d for d, _ in outbox(survey_app)]
    assert destinations == ["metrics", "notifier"]
    signal = outbox(survey_app)[1][1]
    assert signal["metric"] == "nps" and signal["score"] == 3 and signal["comment"] == "배송이 너무 늦었어요"
    again = survey_app.http.post(f"/r/{token}", data=form)
    assert "이미 응답하셨습니다" in again.get_data(as_text=True)
    assert len(outbox(survey_app)) == 2  # nothing stored or sent the second time
    assert "이미 응답하셨습니다" in survey_app.http.get(f"/r/{token}").get_data(as_text=True)


def test_high_score_sends_no_signal(survey_app):
    _, token = invite(survey_app, language="en")
    reply = survey_app.http.post(f"/r/{token}", data={"q_nps": "10", "q_csat": "5"})
    assert "Thank you!" in reply.get_data(as_text=True)
    assert [d for d, _ in outbox(survey_app)] == ["metrics"]


def test_unknown_and_expired_links_look_the_same(survey_app):
    _, token = invite(survey_app, expires_in=timedelta(minutes=30))  # expired one hour in
    expired = survey_app.http.get(f"/r/{token}")
    unknown = survey_app.http.get("/r/" + "x" * 43)
    assert expired.status_code == unknown.status_code == 404
    assert expired.get_data() == unknown.get_data()
    assert survey_app.http.post(f"/r/{token}", data={"q_nps": "9"}).status_code == 404
    assert outbox(survey_app) == []


def test_responses_api_lists_pages_and_exports_csv(survey_app):
    from tests.support import ADMIN_KEY, auth

    tokens = [invite(survey_app, customer_id=f"c-{i}")[1] for i in range(3)]
    for i, token in enumerate(tokens):
        survey_app.clock.advance(minutes=1)
        survey_app.http.post(f"/r/{token}", data={"q_nps": str(8 + i), "q_csat": "4", "q_comment": f"note {i}"})
    first = survey_app.http.get("/v1/responses?limit=2", headers=auth(ADMIN_KEY)).json
    assert len(first["responses"]) == 2 and first["next_cursor"]
    second = survey_app.http.get(f"/v1/responses?limit=2&cursor={first['next_cursor']}",
                                 headers=auth(ADMIN_KEY)).json
    assert len(second["responses"]) == 1 and second["next_cursor"] is None
    ids = [r["response_id"] for r in first["responses"] + second["responses"]]
    assert len(set(ids)) == 3
    export = survey_app.http.get("/v1/responses", headers={**auth(ADMIN_KEY), "Accept": "text/csv"})
    lines = export.get_data(as_text=True).splitlines()
    assert lines[0].endswith("nps,csat,comment") and len(lines) == 4
    one = survey_app.http.get(f"/v1/responses/{ids[0]}", headers=auth(ADMIN_KEY))
    assert one.status_code == 200 and one.json["completed"] is True
    assert survey_app.http.get("/v1/responses/nope", headers=auth(ADMIN_KEY)).status_code == 404
    assert survey_app.http.get("/v1/responses?cursor=%%%", headers=auth(ADMIN_KEY)).status_code == 422


def test_a_refused_long_answer_is_shown_back_but_never_stored_or_sent(survey_app):
    from services.survey.responding.forms import TEXT_LIMIT
    from shared.contracts.responses import ResponseBatchSchema

    invitation, token = invite(survey_app, language="en")
    long_text = "x" * (TEXT_LIMIT + 1)
    reply = survey_app.http.post(f"/r/{token}", data={"q_nps": "8", "q_comment": long_text})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and f"shorten your answer to {TEXT_LIMIT} characters" in html
    assert long_text + "</textarea>" in html  # what was typed is not lost
    response = stored(survey_app, invitation)
    assert response.answers == {"nps": 8}  # the valid answer is kept, the refused one is not
    payloads = [p for d, p in outbox(survey_app) if d == "metrics"]
    assert len(payloads) == 1 and long_text not in str(payloads)
    assert ResponseBatchSchema().validate({"responses": payloads}) == {}  # the receiver's contract holds
    again = survey_app.http.post(f"/r/{token}", data={"q_nps": "8", "q_comment": long_text})
    assert again.status_code == 422
    assert stored(survey_app, invitation).version == response.version  # nothing changed, nothing resent
    assert len(outbox(survey_app)) == 1


def test_a_huge_body_is_refused_before_parsing_and_nothing_is_stored(survey_app):
    invitation, token = invite(survey_app, language="en")
    reply = survey_app.http.post(f"/r/{token}", data={"q_nps": "8", "q_comment": "x" * 900_000})
    assert reply.status_code == 413
    assert "too long to send" in reply.get_data(as_text=True)
    assert stored(survey_app, invitation) is None and outbox(survey_app) == []
    assert survey_app.http.post(f"/r/{token}", data={"q_nps": "9", "q_csat": "5"}).status_code == 200


def test_a_version_the_contract_refuses_is_neither_stored_nor_queued(survey_app):
    from services.common.exceptions import InvalidInputError
    from services.survey.models import SurveyVersion
    from services.survey.responding.downstream import DownstreamSettings, send_downstream
    from shared.contracts.responses import MAX_TEXT

    invitation, token = invite(survey_app)
    assert survey_app.http.get(f"/r/{token}").status_code == 200
    response = stored(survey_app, invitation)
    response.answers = {"comment": "y" * (MAX_TEXT + 1)}
    definition = survey_app.session.get(SurveyVersion, (invitation.survey_id, 1)).definition
    with pytest.raises(InvalidInputError):
        send_downstream(survey_app.session, response, definition,
                        settings=DownstreamSettings("https://cx.example.com", {"nps": 6}), now=T0,
                        confirmed=True)
    survey_app.session.rollback()
    assert stored(survey_app, invitation).answers == {} and outbox(survey_app) == []


def test_analysts_read_responses_without_personal_attributes(survey_app):
    from tests.support import auth

    attributes = {"name": "이혜진", "Email": "hj@example.com", "birthDate": "1990-01-01", "region": "Busan"}
    _, token = invite(survey_app, attributes=attributes)
    survey_app.http.post(f"/r/{token}", data={"q_nps": "9", "q_csat": "5"})
    analyst, marketer = auth(survey_app.key_for("analyst")), auth(survey_app.key_for("marketer"))
    listed = survey_app.http.get("/v1/responses", headers=analyst).json["responses"]
    assert [r["attributes"] for r in listed] == [{"region": "Busan"}]
    one = survey_app.http.get(f"/v1/responses/{listed[0]['response_id']}", headers=analyst).json
    assert one["attributes"] == {"region": "Busan"}
    assert survey_app.http.get("/v1/responses", headers=marketer).json["responses"][0]["attributes"] == attributes


@pytest.mark.parametrize("digit", ["²", "①", "٣", "９"])
def test_unicode_digits_are_not_scores_on_the_link_or_the_form(survey_app, digit):
    """str.isdigit() accepts them and int() refuses some: once a 500, now an ignored click and a field error."""
    invitation, token = invite(survey_app)
    clicked = survey_app.http.get(f"/r/{token}?score={digit}&q=nps")
    assert clicked.status_code == 200
    assert not stored(survey_app, invitation).answers  # opened, but no score recorded
    posted = survey_app.http.post(f"/r/{token}", data={"q_nps": digit, "q_csat": "5"})
    assert posted.status_code == 422
    assert "nps" not in stored(survey_app, invitation).answers
