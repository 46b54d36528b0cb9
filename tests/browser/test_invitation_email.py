"""Invitation emails as customers receive them: sent by the dispatcher to a real SMTP server, then
rendered in headless Chromium at 320, 360 and 1280 px in Korean and English (invitation and
reminder), with the brand, the headers mail clients need, and the 0-10 row on one line."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from services.survey.delivery.mail import SmtpMailer
from services.survey.dispatch import dispatch_next
from services.survey.lifecycle import remind_next
from services.survey.models import Invitation
from services.survey.runtime import dispatch_settings
from tests.browser.brand_support import BRAND, check_page, set_brand, smtp_inbox
from tests.browser.test_response_page_browser import invite

pytestmark = pytest.mark.browser
WIDTHS = {"phone": 360, "desktop": 1280}
SUBJECTS = {"ko": "배송 만족도 조사", "en": "Delivery survey"}
END_WORDS = {"ko": ("0 = 전혀 추천하지 않음", "10 = 매우 추천함"), "en": ("0 = Not at all likely", "10 = Extremely likely")}


def send_by_smtp(live, language: str, *, reminder: bool = False):
    """Dispatch one invitation (and its reminder) through SmtpMailer to aiosmtpd; the received mails."""
    invitation, _ = invite(live, customer_id=f"c-{language}", language=language)
    settings = dispatch_settings(live.app.config)
    with live.session() as session:
        session.execute(update(Invitation).where(Invitation.id == invitation.id)
                        .values(status="scheduled", due_at=live.clock.now(), sent_at=None))
        session.commit()
    with smtp_inbox() as (port, received):
        mailer = SmtpMailer("127.0.0.1", port, sender="cxloop <surveys@cxloop.invalid>")
        with live.session() as session:
            assert dispatch_next(session, now=live.clock.now(), settings=settings, senders={"email": mailer}) == "sent"
        if reminder:
            with live.session() as session:
                session.execute(update(Invitation).where(Invitation.id == invitation.id)
                                .values(reminder_due_at=live.clock.now()))
                session.commit()
            live.clock.advance(hours=1)
            with live.session() as session:
                assert remind_next(session, now=live.clock.now(), settings=settings,
                                   senders={"email": mailer}) == "reminded"
    return received


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_branded_invitation_and_reminder_render_at_both_widths(live_survey, browser, artifacts, language):
    set_brand(live_survey)
    invitation, reminder = send_by_smtp(live_survey, language, reminder=True)
    for message in (invitation, reminder):
        assert message["From"].addresses[0].display_name == BRAND["sender_name"]
        assert message["From"].addresses[0].addr_spec == BRAND["sender_address"]
        assert message["Reply-To"] == BRAND["reply_to"] and message["Date"] and message["Content-Language"] == language
        assert message["Message-ID"].endswith("@haneul.example>")
        assert message["List-Unsubscribe"].startswith(f"<{live_survey.base_url}/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = html_of(message)
        for words in (text, html):
            assert END_WORDS[language][0] in words and END_WORDS[language][1] in words  # the page's end words
            assert BRAND["footer"][language] in words
        assert "<img" in html and html.count("<img") == 1 and f'src="{live_survey.base_url}/brand/logo?v=' in html
        assert "<style" not in html and "<link" not in html and "<script" not in html
        if language == "ko":  # nothing in English in a Korean mail
            assert "Open" not in html and "Unsubscribe" not in html and "Reminder" not in html
    assert invitation["Subject"] == SUBJECTS[language]
    reminder_word = {"ko": "다시 알림", "en": "Reminder"}[language]
    assert reminder["Subject"] == f"[{reminder_word}] {SUBJECTS[language]}"
    assert reminder_word in html_of(reminder) and reminder_word not in html_of(invitation)
    for message, kind in ((invitation, "invitation"), (reminder, "reminder")):
        for name, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_content(html_of(message), wait_until="networkidle")
            assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth") > 0  # logo served
            links = page.locator("table.scale a")
            assert links.count() == 11
            boxes = [links.nth(i).bounding_box() for i in range(11)]
            assert len({round(box["y"]) for box in boxes}) == 1  # one row
            assert boxes[-1]["x"] + boxes[-1]["width"] <= width and boxes[0]["x"] >= 0
            assert min(box["width"] for box in boxes) >= 24 and min(box["height"] for box in boxes) >= 24
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            check_page(page, artifacts, f"email-{kind}-{language}-{name}")
            if name == "phone":
                page.set_viewport_size({"width": 320, "height": 900})
                boxes = [links.nth(i).bounding_box() for i in range(11)]
                assert len({round(box["y"]) for box in boxes}) == 1 and boxes[-1]["x"] + boxes[-1]["width"] <= 320
            context.close()


def test_one_click_link_from_the_branded_email_records_the_score(live_survey, page):
    set_brand(live_survey)
    [message] = send_by_smtp(live_survey, "ko")
    page.set_content(html_of(message))
    with page.expect_navigation():
        page.locator("table.scale a", has_text="3").first.click()
    assert page.locator('input[name="q_nps"][value="3"]').is_checked()


def test_without_a_brand_the_configured_sender_and_no_image(live_survey):
    [message] = send_by_smtp(live_survey, "en")
    assert str(message["From"]) == "cxloop <surveys@cxloop.invalid>"
    assert "<img" not in html_of(message) and message["Reply-To"] is None
