"""The console walked end to end, as people would, against real gunicorn processes of all four services
and the survey worker on PostgreSQL, mail going to a folder (tests/e2e/console_walk.py): building.

The admin adds a marketer and creates an ingest key; the marketer builds a bilingual survey (NPS, CES,
text), previews it in Korean at 360 px, publishes it, makes a trigger with no wait and a condition and
dry-runs it on a pasted event; a shop system posts a matching event with the ingest key; the send log
shows the invitation sent and the email lands in the mail folder; the audit log holds what they did.
What each role may not do is walked in test_console_walk_roles.py. axe-core runs on every page visited
(0 serious or critical violations); screenshots at 360 and 1280 px go to test-artifacts/console/walk-*.png.
"""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email import policy

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.e2e.console_walk import ADMIN, PASSWORD, PEOPLE, WIDTHS, Walker, tail
from tests.e2e.processes import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.postgres, pytest.mark.timeout(1200)]


def test_the_console_walked_from_people_to_a_sent_invitation(walk, browser):
    urls, stamp = walk["urls"], datetime.now(UTC).strftime("%H%M%S")

    # 1. The admin adds the marketer and an ingest key for the shop.
    admin = Walker(browser, urls["console"], "admin")
    admin.sign_in(*ADMIN)
    page = admin.page
    admin.add_person("marketer", screenshots=True)
    admin.check("users-added")
    admin.nav("API keys")
    page.get_by_label("Role").select_option("ingest")
    page.get_by_label("Held by").fill("Shop events (walk)")
    page.get_by_role("button", name="Create key").click()
    key_box = page.get_by_role("status").filter(has_text="Copy this key now")
    expect(key_box).to_contain_text("cx_")
    ingest_key = re.search(r"cx_\S+", key_box.inner_text()).group(0)
    admin.check("keys-created")
    admin.nav("Audit log")
    expect(page.get_by_role("table")).to_contain_text("key.created")
    admin.check("audit")

    # 2. The marketer builds a bilingual survey with an NPS, a CES and a text question.
    marketer = Walker(browser, urls["console"], "marketer")
    marketer.sign_in(PEOPLE["marketer"][0], PASSWORD)
    page = marketer.page
    marketer.nav("Surveys")
    marketer.check("surveys-empty")
    page.get_by_role("link", name="New survey").first.click()
    marketer.check("survey-new")
    survey_name = f"Delivery walk {stamp}"
    page.get_by_label("Name", exact=True).fill(survey_name)
    page.get_by_label("Touchpoint", exact=True).select_option("delivery")
    title = page.get_by_role("group", name="Title", exact=True)
    title.get_by_label("Korean").fill("배송은 어떠셨나요?")
    title.get_by_label("English").fill("How was your delivery?")
    texts = [("친구에게 추천하시겠어요?", "Would you recommend us to a friend?"),
             ("문제 해결이 쉬웠나요?", "Was it easy to get this sorted?"),
             ("하고 싶은 말씀이 있나요?", "Anything else to tell us?")]
    for number, (korean, english) in enumerate(texts):
        if number == 1:
            page.get_by_label("Customer effort (CES)").check()
            page.get_by_role("button", name="Add question").click()
        elif number == 2:
            page.get_by_label("Free text", exact=True).check()
            page.get_by_role("button", name="Add question").click()
        wording = page.locator(f"#question-{number}").get_by_role("group", name="Question text")
        wording.get_by_label("Korean").fill(korean)
        wording.get_by_label("English").fill(english)
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    marketer.check("survey-draft")
    assert re.search(r"/surveys/\d+/edit", page.url), page.url

    page.get_by_role("link", name="Preview at phone width").click()
    page.set_viewport_size(WIDTHS["360"])
    korean = page.frame_locator("iframe").first
    expect(korean.get_by_role("note")).to_contain_text("미리보기")
    expect(korean.get_by_role("heading", level=1)).to_have_text("배송은 어떠셨나요?")
    expect(korean.get_by_role("group", name="친구에게 추천하시겠어요?")).to_be_visible()
    expect(korean.get_by_text("3개 중 1번째 질문")).to_be_visible()  # one question a page: NPS, CES, text
    english = page.frame_locator("iframe").nth(1)
    expect(english.get_by_role("heading", level=1)).to_have_text("How was your delivery?")
    page.screenshot(path=str(ARTIFACTS / "console" / "walk-marketer-preview-korean-phone.png"), full_page=True)
    marketer.check("survey-preview-phone")
    page.go_back()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    expect(page.get_by_role("link", name="Preview version 1")).to_be_visible()
    marketer.check("survey-published")

    # 3. A trigger with no wait and a condition, dry-run on a pasted event.
    marketer.nav("Triggers")
    marketer.check("triggers-empty")
    page.get_by_role("link", name="New trigger").first.click()
    trigger_name = f"Big deliveries {stamp}"
    page.get_by_label("Name", exact=True).fill(trigger_name)
    page.get_by_label("Survey to send").select_option(label=survey_name)
    page.get_by_label("Or an event type not seen yet").fill("order.delivered")
    page.get_by_label("Wait after the event").fill("0")
    condition = page.get_by_role("group", name="Condition 1", exact=True)
    condition.get_by_label("Attribute").fill("event.amount")
    condition.get_by_label("Operator").select_option("gte")
    condition.get_by_label("Value").fill("10000")
    marketer.check("trigger-new")
    page.get_by_role("button", name="Create trigger").last.click()
    expect(page.get_by_role("status").filter(has_text=trigger_name)).to_be_visible()
    assert re.search(r"/triggers/\d+", page.url), page.url
    marketer.check("trigger-saved")
    page.get_by_label("Or paste an event (JSON)").fill(
        '{"customer": {"id": "walk-dry", "email": "dry@example.com", "time_zone": "Asia/Seoul"},'
        ' "attributes": {"order_id": "o-dry", "amount": 25000}}')
    page.get_by_role("button", name="Try it").click()
    decision = page.get_by_role("status").filter(has_text="Would send by email")
    expect(decision).to_be_visible()
    expect(decision).to_contain_text("Asia/Seoul")
    marketer.check("trigger-dry-run")

    # 4. The shop posts a matching event with the ingest key.
    customer = f"walk-cust-{stamp}"
    posted = httpx.post(f"{urls['survey']}/v1/events", timeout=30, headers={"Authorization": f"Bearer {ingest_key}"},
                        json={"id": f"walk-ev-{stamp}", "type": "order.delivered",
                              "occurred_at": datetime.now(UTC).isoformat(),
                              "customer": {"id": customer, "email": f"{customer}@example.com", "locale": "ko-KR",
                                           "time_zone": "Asia/Seoul"},
                              "attributes": {"order_id": "o-walk", "amount": 32000}})
    assert posted.status_code in (201, 202), posted.text

    # 5. The send log shows it sent; the email is in the mail folder.
    marketer.nav("Send log")
    page.get_by_label("Customer id").fill(customer)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"customer_id="))
    page.wait_for_load_state()

    def sent() -> bool:
        try:  # a reload that races the browser's own navigation is retried, not a failure of the console
            page.reload()
            table = page.get_by_role("table")
            return table.count() == 1 and "Sent" in table.inner_text()
        except PlaywrightError:
            return False

    assert wait_until(sent, 180, step=2), tail(walk["logs"], "survey-worker")
    expect(page.get_by_role("table")).to_contain_text(survey_name)
    expect(page.get_by_role("table")).to_contain_text(trigger_name)
    marketer.check("invitations")
    page.get_by_role("table").get_by_role("link").first.click()
    marketer.check("invitation")
    mails = wait_until(lambda: sorted(walk["mail"].glob("*-invitation.eml")), 60)
    assert len(mails) == 1, tail(walk["logs"], "survey-worker")
    message = email.message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert message["To"] == f"{customer}@example.com"
    assert "/r/" in message.get_body(preferencelist=("html",)).get_content()
    marketer.close()

    # 6. Everything the people did through the console is in the audit log.
    page = admin.page
    admin.nav("Audit log")
    for action in ("user.created", "key.created", "survey.created", "survey.published", "trigger.created"):
        expect(page.get_by_role("table")).to_contain_text(action)
    admin.check("audit-after")
    admin.close()
