"""The response page in the brand, in real Chromium: logo and colour on the form and the thank-you page
(with the survey's own text and redirect), Korean that wraps between words, tap targets at 360 px,
a favicon, and the not-found page in the visitor's language; axe clean, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.brand_support import BRAND, check_page, set_brand
from tests.browser.test_response_page_browser import invite
from tests.survey.response_support import DEFINITION, publish_survey

pytestmark = pytest.mark.browser
WIDTHS = {"phone": 360, "desktop": 1280}
THANKS = {"ko": "소중한 의견 감사합니다. 보내 주신 답변은 배송 서비스를 개선하는 데 꼼꼼하게 쓰입니다.",
          "en": "Thank you. Your answers go straight to the team that plans our deliveries."}
NEXT = {"ko": "다음", "en": "Next"}
SUBMIT = {"ko": "제출", "en": "Submit"}

WORDS_ON_ONE_LINE = """(selector) => {
  const node = document.querySelector(selector).firstChild;
  const text = node.textContent; const broken = []; let at = 0;
  for (const word of text.split(' ')) {
    const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + word.length);
    const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
    if (tops.size > 1) broken.push(word);
    at += word.length + 1;
  }
  return broken;
}"""


def branded_survey(live, redirect_url: str | None = None) -> int:
    definition = {**DEFINITION, "thank_you": THANKS, "redirect_url": redirect_url}
    with live.session() as session:
        survey = publish_survey(session, definition=definition)
        session.commit()
        return survey.id


def finish(page, language: str) -> None:
    page.locator('input[name="q_nps"][value="9"] + span').click()
    page.get_by_role("button", name=NEXT[language]).click()
    page.locator('input[name="q_csat"][value="5"] + span').click()
    for _ in range(4):
        page.get_by_role("button", name=NEXT[language]).click()
    page.get_by_role("button", name=SUBMIT[language]).click()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_branded_form_and_thank_you_page(live_survey, browser, artifacts, language, width):
    set_brand(live_survey)
    live_survey.survey_id = branded_survey(live_survey)
    _, token = invite(live_survey, customer_id=f"c-{language}-{width}", language=language)
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
    page = context.new_page()
    page.goto(f"{live_survey.base_url}/r/{token}")
    logo = page.get_by_role("img", name=BRAND["name"])
    expect(logo).to_be_visible()
    assert page.evaluate("document.querySelector('.brand img').naturalWidth") > 0
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    assert accent == BRAND["primary_color"]
    favicon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(f"{live_survey.base_url}{favicon}").status == 200
    assert page.evaluate("getComputedStyle(document.body).wordBreak") == "keep-all"
    assert page.evaluate("getComputedStyle(document.body).overflowWrap") == "anywhere"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    steps = [page.locator(f'input[name="q_nps"][value="{v}"] + span').bounding_box() for v in range(11)]
    assert len({round(box["y"]) for box in steps}) == 1
    if width == "phone":  # WCAG 2.2 target size (24 x 24) with room to spare
        assert min(box["width"] for box in steps) >= 27 and min(box["height"] for box in steps) >= 44
    page.locator('input[name="q_nps"][value="9"] + span').click()
    checked = page.evaluate("getComputedStyle(document.querySelector('input[name=q_nps]:checked + span'))"
                            ".backgroundColor")
    assert checked == "rgb(15, 110, 79)"  # the brand's colour marks the answer
    check_page(page, artifacts, f"page-form-{language}-{width}")
    finish(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text({"ko": "감사합니다!", "en": "Thank you!"}[language])
    expect(page.locator(".lead")).to_have_text(THANKS[language])
    expect(page.get_by_role("img", name=BRAND["name"])).to_be_visible()
    expect(page.locator(".brand-footer")).to_have_text(BRAND["footer"][language])
    assert page.evaluate(WORDS_ON_ONE_LINE, ".lead") == []  # no word split across lines
    check_page(page, artifacts, f"page-thanks-{language}-{width}")
    context.close()


def test_thank_you_redirect_when_its_address_passes_the_webhook_check(live_survey, page):
    live_survey.app.config["ALLOW_PRIVATE_WEBHOOKS"] = True  # the loopback test server stands in for a site
    target = "https://127.0.0.1:9/after-survey"
    live_survey.survey_id = branded_survey(live_survey, redirect_url=target)
    _, token = invite(live_survey)
    page.goto(f"{live_survey.base_url}/r/{token}")
    finish(page, "ko")
    expect(page.get_by_role("link", name="계속하기")).to_have_attribute("href", target)
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == f"5;url={target}"


def test_a_redirect_to_a_private_address_is_dropped(live_survey, page):
    live_survey.survey_id = branded_survey(live_survey, redirect_url="https://10.0.0.1/inside")
    _, token = invite(live_survey)
    page.goto(f"{live_survey.base_url}/r/{token}")
    finish(page, "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다!")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0 and page.get_by_role("link").count() == 0


@pytest.mark.parametrize(("locale", "heading"), [("ko-KR", "설문을 이용할 수 없습니다"),
                                                 ("en-GB", "This survey is not available")])
def test_not_found_pages_speak_the_visitors_language(live_survey, browser, artifacts, locale, heading):
    set_brand(live_survey)
    context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/r/not-a-token", "/r/not/a/page", "/r/", "/r/x?lang=zz"):
        reply = page.goto(f"{live_survey.base_url}{path}")
        assert reply.status == 404 and reply.headers["content-type"].startswith("text/html"), path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.locator("html").get_attribute("lang") == locale[:2]
    check_page(page, artifacts, f"page-not-found-{locale[:2]}")
    context.close()
