"""The survey pages in headless Chromium at 360 and 1280 px, in Korean and English: build a bilingual
survey (NPS, CES, text), see errors next to their fields, publish, read the version history and open
the preview (the survey service's real response page in frames). axe-core on every page (0 serious or
critical violations); screenshots under test-artifacts/console/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.console_stack import TOKEN_SECRET, ConsoleStack, check_page, idle_server, people, signed_in

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("marketer-ko@example.com", "김마케터"), "en": ("marketer-en@example.com", "Mia Marketer")}
WORDS = {
    "ko": {"surveys": "설문", "new": "새 설문",
           "save": "초안 저장", "problem": "문제가 있습니다", "name": "이름", "touchpoint": "접점", "title": "제목",
           "korean": "한국어", "english": "영어", "question": "질문 문구", "add": "질문 추가", "ces": "고객 노력 점수(CES)",
           "text": "자유 응답", "publish": "게시", "history": "버전 이력", "phone": "휴대폰 너비로 미리보기",
           "preview_banner": "미리보기", "desktop": "데스크톱",
           "version1": "버전 1 미리보기"},
    "en": {"surveys": "Surveys", "new": "New survey",
           "save": "Save draft", "problem": "There is a problem", "name": "Name", "touchpoint": "Touchpoint",
           "title": "Title", "korean": "Korean", "english": "English", "question": "Question text",
           "add": "Add question", "ces": "Customer effort (CES)", "text": "Free text", "publish": "Publish",
           "history": "Version history", "phone": "Preview at phone width", "preview_banner": "Preview",
           "desktop": "Desktop", "version1": "Preview version 1"},
}


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory):
    """The console on 127.0.0.1 and the survey service on its own port (the preview frames load from it)."""
    survey_server, survey_url = idle_server()
    live = ConsoleStack(tmp_path_factory.mktemp("console-surveys"), admin=False,
                        env={"SURVEY_PUBLIC_BASE_URL": survey_url, **TOKEN_SECRET})
    live.start(survey_server, survey_url, live.apps["survey"])
    live.serve(people(PEOPLE, "marketer"))
    yield live
    live.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_marketer_builds_previews_and_publishes_a_survey(live_stack, browser, artifacts, language, width):
    w, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_stack.base_url, PEOPLE[language][0], language, width)
    page.get_by_role("navigation").get_by_role("link", name=w["surveys"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(w["surveys"])
    page.get_by_role("link", name=w["new"]).first.click()
    check_page(page, artifacts, f"{prefix}-surveys-new")

    page.get_by_role("button", name=w["save"]).first.click()  # nothing filled in: errors by the fields
    expect(page.get_by_role("alert")).to_contain_text(w["problem"])
    check_page(page, artifacts, f"{prefix}-surveys-new-errors")

    page.get_by_label(w["name"], exact=True).fill(f"Delivery {prefix}")
    page.get_by_label(w["touchpoint"], exact=True).select_option("delivery")
    title = page.get_by_role("group", name=w["title"], exact=True)
    title.get_by_label(w["korean"]).fill("배송은 어떠셨나요?")
    title.get_by_label(w["english"]).fill("How was your delivery?")
    first = page.locator("#question-0")
    first.get_by_role("group", name=w["question"]).get_by_label(w["korean"]).fill("친구에게 추천하시겠어요?")
    first.get_by_role("group", name=w["question"]).get_by_label(w["english"]).fill("Would you recommend us?")
    page.get_by_label(w["ces"]).check()
    page.get_by_role("button", name=w["add"]).click()
    second = page.locator("#question-1")
    second.get_by_role("group", name=w["question"]).get_by_label(w["korean"]).fill("문제 해결이 쉬웠나요?")
    page.get_by_label(w["text"], exact=True).check()
    page.get_by_role("button", name=w["add"]).click()
    page.locator("#question-2").get_by_role("group", name=w["question"]).get_by_label(w["korean"]).fill("하고 싶은 말씀")
    page.get_by_role("button", name=w["save"]).first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page, artifacts, f"{prefix}-surveys-edit")

    page.get_by_role("button", name=w["publish"], exact=True).click()
    expect(page.get_by_role("heading", name=w["history"])).to_be_visible()
    expect(page.get_by_role("link", name=w["version1"])).to_be_visible()
    check_page(page, artifacts, f"{prefix}-surveys-published")

    page.get_by_role("link", name=w["phone"]).click()
    frame = page.frame_locator("iframe").first
    expect(frame.get_by_role("note")).to_contain_text("미리보기")  # the first frame is Korean
    expect(frame.get_by_role("heading", level=1)).to_have_text("배송은 어떠셨나요?")
    check_page(page, artifacts, f"{prefix}-surveys-preview-phone")
    page.get_by_role("link", name=w["desktop"], exact=True).click()
    expect(page.frame_locator("iframe").nth(1).get_by_role("heading", level=1)).to_have_text("How was your delivery?")
    check_page(page, artifacts, f"{prefix}-surveys-preview-desktop")

    page.get_by_role("navigation").get_by_role("link", name=w["surveys"], exact=True).click()
    expect(page.get_by_role("table")).to_contain_text(f"Delivery {prefix}")
    check_page(page, artifacts, f"{prefix}-surveys-list")
    assert complaints == []
    context.close()
