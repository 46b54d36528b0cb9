"""The response page in real headless Chromium: Korean and English, the one-click score from a real
email, validation messages, the no-JavaScript path, single use and expiry."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import select

from services.survey.delivery.mail import SmtpMailer
from services.survey.dispatch import dispatch_next
from services.survey.models import Invitation, Survey
from services.survey.models.responses import Response
from services.survey.runtime import dispatch_settings
from tests.support import free_port
from tests.survey.response_support import send_invitation

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def invite(live, **kwargs) -> tuple[Invitation, str]:
    with live.session() as session:
        survey = session.get(Survey, live.survey_id)
        invitation, token = send_invitation(session, survey, "browser-secret", now=live.clock.now(), **kwargs)
        session.commit()
        return invitation, token


def response_of(live, invitation) -> Response | None:
    with live.session() as session:
        return session.scalar(select(Response).where(Response.invitation_id == invitation.id))


def answer_all(page) -> None:
    """Answer every question with the keyboard and the mouse, question by question (JS on)."""
    page.get_by_text("8", exact=True).first.click()
    page.get_by_role("button", name="다음").click()
    page.locator('input[name="q_csat"][value="4"] + span').click()
    page.get_by_role("button", name="다음").click()
    page.locator('input[name="q_stars"][value="5"] + span').click()
    page.get_by_role("button", name="다음").click()
    page.get_by_text("속도").click()
    page.get_by_role("button", name="다음").click()
    page.get_by_text("배송 조회").click()
    page.get_by_text("상담", exact=True).click()
    page.get_by_role("button", name="다음").click()
    page.get_by_label("하고 싶은 말씀").fill("포장이 꼼꼼했어요")


def test_korean_survey_at_phone_width_with_screenshot(live_survey, page, artifacts):
    invitation, token = invite(live_survey)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_survey.base_url}/r/{token}")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.get_by_role("heading", level=1)).to_have_text("배송 만족도 조사")
    expect(page.locator(".progress-text")).to_have_text("6개 중 1번째 질문")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing overflows sideways
    boxes = [page.locator(f'input[name="q_nps"][value="{v}"] + span').bounding_box() for v in (0, 10)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] + boxes[1]["width"] <= 360  # 0-10 on one row
    page.screenshot(path=str(artifacts / "response-ko-360.png"), full_page=True)
    answer_all(page)
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    stored = response_of(live_survey, invitation)
    assert stored.completed and stored.answers == {"nps": 8, "csat": 4, "stars": 5, "reason": "speed",
                                                   "extras": ["tracking", "chat"], "comment": "포장이 꼼꼼했어요"}


def test_english_survey_with_the_keyboard(live_survey, page):
    invitation, token = invite(live_survey, language="en")
    page.goto(f"{live_survey.base_url}/r/{token}")
    assert page.locator("html").get_attribute("lang") == "en"
    first = page.locator('input[name="q_nps"]').first
    first.focus()
    page.keyboard.press("ArrowRight")  # radios move with arrow keys: the scale is keyboard operable
    page.keyboard.press("ArrowRight")
    assert page.locator('input[name="q_nps"][value="2"]').is_checked()
    outline = page.evaluate("getComputedStyle(document.querySelector('input[name=q_nps][value=\"2\"] + span'))"
                            ".outlineStyle")
    assert outline != "none"  # visible focus
    page.get_by_role("button", name="Next").click()
    page.locator('input[name="q_csat"][value="5"] + span').click()
    page.goto(f"{live_survey.base_url}/r/{token}?lang=en")  # leaving keeps nothing unsent, answers are local
    page.locator('input[name="q_nps"][value="9"] + span').click()
    page.get_by_role("button", name="Next").click()
    page.locator('input[name="q_csat"][value="5"] + span').click()
    for _ in range(4):
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert response_of(live_survey, invitation).answers == {"nps": 9, "csat": 5}


def test_one_click_score_from_a_real_email(live_survey, page):
    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        invitation, _ = invite(live_survey)
        with live_survey.session() as session:
            row = session.get(Invitation, invitation.id)
            row.status, row.due_at, row.sent_at = "scheduled", live_survey.clock.now(), None
            session.commit()
        settings = dispatch_settings(live_survey.app.config)
        mailer = SmtpMailer("127.0.0.1", port, sender="surveys@example.com")
        with live_survey.session() as session:
            assert dispatch_next(session, now=live_survey.clock.now(), settings=settings,
                                 senders={"email": mailer}) == "sent"
    finally:
        controller.stop()
    assert len(received) == 1
    message = email.message_from_bytes(received[0], policy=policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    nine = re.search(r'href="([^"]+score=9[^"]*)"', html).group(1).replace("&amp;", "&")
    page.goto(nine)
    expect(page.locator(".notice")).to_contain_text("9")
    assert page.locator('input[name="q_nps"][value="9"]').is_checked()
    partial = response_of(live_survey, invitation)
    assert partial.answers == {"nps": 9} and not partial.completed
    page.get_by_role("button", name="다음").click()
    page.locator('input[name="q_csat"][value="3"] + span').click()
    for _ in range(4):
        page.get_by_role("button", name="다음").click()
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    assert response_of(live_survey, invitation).answers == {"nps": 9, "csat": 3}


def test_validation_messages_and_no_javascript_path(live_survey, browser):
    invitation, token = invite(live_survey)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_survey.base_url}/r/{token}")
    assert page.locator(".question:visible").count() == 6  # every question on one page
    page.get_by_label("하고 싶은 말씀").fill("아직 작성 중")
    page.get_by_role("button", name="제출").click()
    expect(page.locator("#error-summary")).to_contain_text("확인이 필요한 답변이 있습니다.")
    expect(page.locator("#err-nps")).to_have_text("이 질문에 답해 주세요.")
    expect(page.get_by_label("하고 싶은 말씀")).to_have_value("아직 작성 중")
    page.locator('input[name="q_nps"][value="3"] + span').click()
    page.locator('input[name="q_csat"][value="2"] + span').click()
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    page.goto(f"{live_survey.base_url}/r/{token}")  # a link works once
    expect(page.get_by_role("heading", level=1)).to_have_text("이미 응답하셨습니다")
    assert response_of(live_survey, invitation).answers == {"nps": 3, "csat": 2, "comment": "아직 작성 중"}
    context.close()


def test_expired_link_shows_the_neutral_page(live_survey, browser):
    _, token = invite(live_survey, expires_in=timedelta(hours=1))
    live_survey.clock.advance(hours=2)
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    expired = page.goto(f"{live_survey.base_url}/r/{token}")
    assert expired.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("설문을 이용할 수 없습니다")
    expired_html = page.content()
    unknown = page.goto(f"{live_survey.base_url}/r/not-a-real-token")
    assert unknown.status == 404
    assert page.content() == expired_html  # no way to tell an expired link from a forged one
    context.close()
