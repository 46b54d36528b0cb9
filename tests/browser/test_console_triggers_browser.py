"""The trigger and send-log pages in headless Chromium at 360 and 1280 px, in Korean and English: pick a
seen event type, see an error next to its field, create a trigger with a condition, dry-run it on a real
event, read the send log and one invitation. axe-core on every page (0 serious or critical violations);
screenshots under test-artifacts/console/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.console_stack import TOKEN_SECRET, ConsoleStack, check_page, people, signed_in
from tests.browser.survey_seed import ask_after_delivery, plan
from tests.support import ADMIN_KEY, auth

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("trig-ko@example.com", "박마케터"), "en": ("trig-en@example.com", "Tom Triggers")}
WORDS = {
    "ko": {"triggers": "트리거", "new": "새 트리거", "create": "트리거 만들기", "name": "이름", "survey": "보낼 설문",
           "event_type": "이벤트 유형",
           "attribute": "속성", "operator": "연산자", "value": "값", "recent": "최근 이벤트", "try": "시험해 보기",
           "would_send": "발송됩니다", "log": "발송 기록", "problem": "문제가 있습니다", "condition1": "조건 1"},
    "en": {"triggers": "Triggers", "new": "New trigger", "create": "Create trigger", "name": "Name",
           "survey": "Survey to send", "event_type": "Event type",
           "attribute": "Attribute", "operator": "Operator", "value": "Value", "recent": "A recent event",
           "try": "Try it", "would_send": "Would send by email on", "log": "Send log", "problem": "There is a problem",
           "condition1": "Condition 1"},
}


def _seed(app) -> None:
    """A published survey, a sampled trigger, eight events of two types and the invitations they planned."""
    client, admin = app.test_client(), auth(ADMIN_KEY)
    ask_after_delivery(client, name="Ask after delivery (sampled)", sampling_rate=0.5, delay_minutes=120,
                       window_start="09:00", window_end="20:00")
    now = datetime.now(UTC)
    for number in range(8):
        kind = "order.delivered" if number % 3 else "ticket.closed"
        client.post("/v1/events", headers=admin, json={
            "id": f"ev-{number}", "type": kind, "occurred_at": (now - timedelta(hours=number)).isoformat(),
            "customer": {"id": f"cust-{number % 4}", "email": f"c{number}@example.com", "time_zone": "Asia/Seoul"},
            "attributes": {"order_id": f"o-{1000 + number}", "amount": 12000 * (number + 1)}})
    plan(app, now)


@pytest.fixture(scope="module")
def live_triggers(tmp_path_factory):
    """The console calling the three services in-process, with a published survey, events and invitations
    in the survey service."""
    live = ConsoleStack(tmp_path_factory.mktemp("console-triggers"), env=TOKEN_SECRET)
    _seed(live.apps["survey"])
    live.serve(people(PEOPLE, "marketer"))
    yield live
    live.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_trigger_pages_and_the_send_log(live_triggers, browser, artifacts, language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_triggers.base_url, PEOPLE[language][0], language, width)

    page.get_by_role("navigation").get_by_role("link", name=words["triggers"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["triggers"])
    check_page(page, artifacts, f"{prefix}-triggers")

    page.get_by_role("link", name=words["new"]).first.click()
    page.get_by_label(words["name"], exact=True).fill(f"Delivery {prefix}")
    page.get_by_label(words["event_type"], exact=True).select_option("order.delivered")
    page.get_by_role("button", name=words["create"]).last.click()  # no survey chosen: the error summary
    expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    expect(page.get_by_label(words["name"], exact=True)).to_have_value(f"Delivery {prefix}")
    check_page(page, artifacts, f"{prefix}-trigger-new-errors")
    page.get_by_label(words["survey"]).select_option(index=1)
    first = page.get_by_role("group", name=words["condition1"], exact=True)
    first.get_by_label(words["attribute"]).fill("event.amount")
    first.get_by_label(words["operator"]).select_option("gte")
    first.get_by_label(words["value"]).fill("10000")
    page.get_by_role("button", name=words["create"]).last.click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page, artifacts, f"{prefix}-trigger-edit")

    page.get_by_label(words["recent"]).select_option(index=1)
    page.get_by_role("button", name=words["try"]).click()
    expect(page.locator("#decision")).to_contain_text(words["would_send"])
    expect(page.locator("#decision")).to_contain_text("Asia/Seoul")
    check_page(page, artifacts, f"{prefix}-trigger-dry-run")

    page.get_by_role("navigation").get_by_role("link", name=words["log"]).click()
    expect(page.get_by_role("table")).to_be_visible()
    check_page(page, artifacts, f"{prefix}-invitations")
    page.get_by_role("table").get_by_role("link").first.click()
    check_page(page, artifacts, f"{prefix}-invitation")
    assert complaints == []
    context.close()
