"""The console in real headless Chromium: sign in and visit every foundation page at 360 and 1280 px,
in Korean and English, with axe-core on each page (0 serious or critical violations) and a screenshot
of each under test-artifacts/console/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.console_stack import WIDTHS, ConsoleStack, check_page, people, submit_sign_in, watch_console

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("admin-ko@example.com", "김관리"), "en": ("admin-en@example.com", "Alex Admin")}


@pytest.fixture(scope="module")
def live_console(tmp_path_factory):
    """The console served by werkzeug on 127.0.0.1, calling the three services in-process."""
    live = ConsoleStack(tmp_path_factory.mktemp("console"), admin=False)
    live.serve(people(PEOPLE, "admin"))
    yield live
    live.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_every_foundation_page_signed_in_at_both_widths_in_both_languages(live_console, browser, artifacts,
                                                                          language, width):
    email, display_name = PEOPLE[language]
    words = {"ko": {"email": "이메일", "people": "사용자", "add": "사용자 추가", "keys": "API 키", "create": "키 만들기", "audit": "감사 로그",
                    "prefs": "내 설정", "held": "보유자", "problem": "문제가 있습니다", "name": "이름",
                    "submit_add": "사용자 추가", "role": "역할", "first_password": "처음 비밀번호",
                    "rules": "접촉 규칙", "max": "고객당 최대 설문 수", "days": "기간(일)", "save": "저장",
                    "brand": "브랜드", "colour": "대표 색"},
             "en": {"email": "Email", "people": "People", "add": "Add a person", "keys": "API keys", "create": "Create key", "audit": "Audit log",
                    "prefs": "My preferences", "held": "Held by", "problem": "There is a problem", "name": "Name",
                    "submit_add": "Add person", "role": "Role", "first_password": "First password",
                    "rules": "Contact rules", "max": "At most this many surveys per customer",
                    "days": "In any period of this many days", "save": "Save",
                    "brand": "Brand", "colour": "Primary colour"}}[language]
    context = browser.new_context(viewport=WIDTHS[width], locale="ko-KR" if language == "ko" else "en-US")
    page = context.new_page()
    complaints = watch_console(page)
    prefix = f"{language}-{width}"

    page.goto(f"{live_console.base_url}/login?lang={language}")
    check_page(page, artifacts, f"{prefix}-login")
    submit_sign_in(page, language, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(display_name)
    check_page(page, artifacts, f"{prefix}-overview")

    page.get_by_role("navigation").get_by_role("link", name=words["people"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["people"])
    check_page(page, artifacts, f"{prefix}-users")

    page.get_by_role("link", name=words["add"]).first.click()
    page.get_by_role("button", name=words["submit_add"]).click()  # empty: the error summary
    expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    expect(page.get_by_role("alert")).to_be_focused()  # static/error-summary.js
    check_page(page, artifacts, f"{prefix}-users-new-errors")
    page.get_by_label(words["name"]).fill(f"Test {prefix}")
    page.get_by_label(words["email"]).fill(f"{prefix}@example.com")
    page.get_by_label(words["role"]).select_option("marketer")
    page.get_by_label(words["first_password"]).fill("a good first password")
    page.get_by_role("button", name=words["submit_add"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    page.get_by_role("link", name=f"Test {prefix}").click()
    check_page(page, artifacts, f"{prefix}-user-edit")

    page.get_by_role("navigation").get_by_role("link", name=words["keys"]).click()
    page.get_by_label(words["role"]).select_option("ingest")
    page.get_by_label(words["held"]).fill(f"Shop events {prefix}")
    page.get_by_role("button", name=words["create"]).click()
    expect(page.locator("#new-key")).to_contain_text("cx_")
    check_page(page, artifacts, f"{prefix}-keys-created")

    page.get_by_role("navigation").get_by_role("link", name=words["rules"]).click()
    page.get_by_label(words["days"]).fill("400")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    check_page(page, artifacts, f"{prefix}-contact-rules-errors")
    page.get_by_label(words["max"]).fill("4")
    page.get_by_label(words["days"]).fill("21")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_role("status").first).to_contain_text("21")
    check_page(page, artifacts, f"{prefix}-contact-rules")

    page.get_by_role("navigation").get_by_role("link", name=words["brand"]).click()
    page.get_by_label(words["colour"]).fill("#ffcc00")  # too light: refused with the ratios, next to the field
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#primary_color-error")).to_contain_text(":1")
    check_page(page, artifacts, f"{prefix}-brand-errors")

    page.get_by_role("navigation").get_by_role("link", name=words["audit"]).click()
    expect(page.get_by_role("table")).to_contain_text("key.created")
    check_page(page, artifacts, f"{prefix}-audit")

    page.get_by_role("navigation").get_by_role("link", name=words["prefs"]).click()
    check_page(page, artifacts, f"{prefix}-preferences")

    page.goto(f"{live_console.base_url}/no-such-page")
    check_page(page, artifacts, f"{prefix}-not-found")
    assert complaints == []
    context.close()
