"""The response page checks what it can before sending: a required question left empty stops "Next"
with the error next to the question (the server still checks everything)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.brand_support import check_page, set_brand
from tests.browser.test_response_page_browser import invite, response_of

pytestmark = pytest.mark.browser
WORDS = {"ko": {"next": "다음", "submit": "제출", "missing": "이 질문에 답해 주세요.", "progress": "6개 중 {i}번째 질문"},
         "en": {"next": "Next", "submit": "Submit", "missing": "Please answer this question.",
                "progress": "Question {i} of 6"}}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_next_waits_for_a_required_answer(live_survey, browser, artifacts, language):
    set_brand(live_survey)
    words = WORDS[language]
    invitation, token = invite(live_survey, customer_id=f"c-{language}", language=language)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{live_survey.base_url}/r/{token}")
    page.get_by_role("button", name=words["next"]).click()
    error = page.locator("#q-nps .field-error")
    expect(error).to_have_text(words["missing"])
    expect(page.locator(".progress-text")).to_have_text(words["progress"].format(i=1))  # still on question 1
    assert page.locator("#q-nps fieldset").get_attribute("aria-describedby") == "err-nps"
    assert page.evaluate("document.activeElement.name") == "q_nps"  # focus back on the question
    steps = [page.locator(f'input[name="q_nps"][value="{v}"] + span').bounding_box() for v in range(11)]
    assert min(box["width"] for box in steps) >= 27 and steps[-1]["x"] + steps[-1]["width"] <= 360  # still roomy
    check_page(page, artifacts, f"page-required-{language}-phone")
    page.locator('input[name="q_nps"][value="6"] + span').click()
    expect(error).to_have_count(0)
    page.get_by_role("button", name=words["next"]).click()
    page.get_by_role("button", name=words["next"]).click()  # csat is required too
    expect(page.locator("#q-csat .field-error")).to_have_text(words["missing"])
    page.locator('input[name="q_csat"][value="4"] + span').click()
    for _ in range(4):
        page.get_by_role("button", name=words["next"]).click()  # the rest are optional
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text({"ko": "감사합니다!", "en": "Thank you!"}[language])
    assert response_of(live_survey, invitation).answers == {"nps": 6, "csat": 4}
    context.close()


def test_the_server_still_refuses_a_missing_required_answer(live_survey, page):
    _, token = invite(live_survey)
    page.goto(f"{live_survey.base_url}/r/{token}")
    reply = page.request.post(f"{live_survey.base_url}/r/{token}", form={"q_comment": "건너뛰기"})
    assert reply.status == 422 and "이 질문에 답해 주세요." in reply.text()
