"""Skip logic on the response page, in real Chromium with and without JavaScript: "what went wrong"
only for scores up to 6, "what did you like" only for 9 and 10; the server checks a whole form the
same way, and each response stores which questions were shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.brand_support import check_html, check_page, set_brand
from tests.browser.test_response_page_browser import invite, response_of
from tests.survey.response_support import publish_survey

pytestmark = pytest.mark.browser
SKIP_SURVEY = {
    "touchpoint": "delivery", "default_language": "ko", "fallback_languages": ["en"],
    "title": {"ko": "배송은 어떠셨나요?", "en": "How was your delivery?"},
    "intro": {"ko": "두세 가지만 여쭙겠습니다.", "en": "Just two or three questions."},
    "questions": [
        {"key": "nps", "type": "nps", "required": True,
         "text": {"ko": "친구에게 추천하실 가능성은 얼마나 되나요?", "en": "How likely are you to recommend us?"}},
        {"key": "wrong", "type": "single_choice", "required": True,
         "show_if": [{"question": "nps", "op": "lte", "value": 6}],
         "text": {"ko": "무엇이 아쉬우셨나요?", "en": "What went wrong?"},
         "choices": [{"key": "late", "label": {"ko": "늦은 배송", "en": "Late delivery"}},
                     {"key": "damaged", "label": {"ko": "파손", "en": "Damaged parcel"}}]},
        {"key": "liked", "type": "text", "show_if": [{"question": "nps", "op": "gte", "value": 9}],
         "text": {"ko": "무엇이 좋으셨나요?", "en": "What did you like?"}},
        {"key": "comment", "type": "text", "text": {"ko": "더 하실 말씀이 있나요?", "en": "Anything else?"}},
    ],
}


@pytest.fixture
def skip_survey(live_survey):
    with live_survey.session() as session:
        live_survey.survey_id = publish_survey(session, definition=SKIP_SURVEY).id
        session.commit()
    return live_survey


def test_low_score_with_javascript_asks_what_went_wrong(skip_survey, browser, artifacts):
    set_brand(skip_survey)
    invitation, token = invite(skip_survey)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{skip_survey.base_url}/r/{token}")
    expect(page.get_by_text("무엇이 아쉬우셨나요?")).to_have_count(0)  # not before the score is known
    page.locator('input[name="q_nps"][value="3"] + span').click()
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_text("무엇이 아쉬우셨나요?")).to_be_visible()
    expect(page.locator(".progress-text")).to_have_text("3개 중 2번째 질문")
    assert page.get_by_text("무엇이 좋으셨나요?").count() == 0
    page.get_by_role("button", name="다음").click()  # required: the page says so before sending
    expect(page.locator("#q-wrong .field-error")).to_have_text("이 질문에 답해 주세요.")
    check_page(page, artifacts, "page-skip-wrong-ko-phone")
    page.get_by_text("늦은 배송").click()
    page.get_by_role("button", name="다음").click()
    page.get_by_label("더 하실 말씀이 있나요?").fill("문 앞에 두고 가셨어요")
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    stored = response_of(skip_survey, invitation)
    assert stored.completed and stored.answers == {"nps": 3, "wrong": "late", "comment": "문 앞에 두고 가셨어요"}
    assert stored.shown_questions == ["nps", "wrong", "comment"]
    context.close()


def test_high_score_without_javascript_asks_what_was_liked(skip_survey, browser, artifacts):
    set_brand(skip_survey)
    invitation, token = invite(skip_survey, customer_id="c-en", language="en")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{skip_survey.base_url}/r/{token}")
    assert page.locator(".question").count() == 1
    page.get_by_role("button", name="Next").click()  # the server's own check, without JavaScript
    expect(page.locator("#err-nps")).to_have_text("Please answer this question.")
    page.locator('input[name="q_nps"][value="10"] + span').click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("What did you like?")).to_be_visible()
    assert page.get_by_text("What went wrong?").count() == 0
    check_page(page, artifacts, "page-skip-liked-en-desktop-nojs", axe=False)
    check_html(browser, skip_survey.base_url, page.content(), artifacts, "page-skip-liked-en-desktop-nojs")
    page.get_by_label("What did you like?").fill("On time, well packed")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    stored = response_of(skip_survey, invitation)
    assert stored.answers == {"nps": 10, "liked": "On time, well packed"}
    assert stored.shown_questions == ["nps", "liked", "comment"]
    context.close()


def test_low_score_without_javascript_in_korean(skip_survey, browser, artifacts):
    invitation, token = invite(skip_survey, customer_id="c-nojs")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{skip_survey.base_url}/r/{token}")
    page.locator('input[name="q_nps"][value="5"] + span').click()
    page.get_by_role("button", name="다음").click()
    page.get_by_role("button", name="제출").click()  # "what went wrong" is required when it is shown
    expect(page.locator("#err-wrong")).to_have_text("이 질문에 답해 주세요.")
    check_page(page, artifacts, "page-skip-error-ko-phone-nojs", axe=False)
    check_html(browser, skip_survey.base_url, page.content(), artifacts, "page-skip-error-ko-phone-nojs")
    page.get_by_text("파손").click()
    page.get_by_role("button", name="제출").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    stored = response_of(skip_survey, invitation)
    assert stored.answers == {"nps": 5, "wrong": "damaged"} and stored.shown_questions == ["nps", "wrong", "comment"]
    context.close()


def test_the_server_applies_the_skip_logic_to_a_whole_form(skip_survey, page):
    _, token = invite(skip_survey, customer_id="c-form")
    url = f"{skip_survey.base_url}/r/{token}"
    page.goto(url)
    missing = page.request.post(url, form={"q_nps": "2"})  # shown, required, unanswered
    assert missing.status == 422 and "이 질문에 답해 주세요." in missing.text()
    invitation, token = invite(skip_survey, customer_id="c-form-2")
    done = page.request.post(f"{skip_survey.base_url}/r/{token}", form={"q_nps": "9", "q_wrong": "late",
                                                                        "q_liked": "빨라요"})
    assert done.status == 200
    stored = response_of(skip_survey, invitation)
    assert stored.answers == {"nps": 9, "liked": "빨라요"}  # a hidden question's answer is never stored
    assert stored.shown_questions == ["nps", "liked", "comment"]
