"""The customer page in headless Chromium at 360 and 1280 px, in Korean and English: from the send log to
one customer's timeline (events, invitations with their decisions, an answer, purchases, a contract and
its value), a decision list opened with the keyboard. axe-core on every page (0 serious or critical
violations); screenshots under test-artifacts/console/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.console_stack import TOKEN_SECRET, ConsoleStack, check_page, fits, people, signed_in
from tests.browser.survey_seed import ask_after_delivery, plan, plan_and_send
from tests.support import ADMIN_KEY, auth

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("journey-ko@example.com", "최관리"), "en": ("journey-en@example.com", "Jo Journey")}
WORDS = {
    "ko": {"log": "발송 기록", "timeline": "타임라인",
           "customer": "고객 cust-7", "value": "고객 가치", "decisions": "결정 2건", "answered": "응답", "clv": "고객 생애 가치(CLV)", "interval": "95% 구간",
           "purchase": "₩39,000"},
    "en": {"log": "Send log", "timeline": "Timeline",
           "customer": "Customer cust-7", "value": "Customer value", "decisions": "2 decisions",
           "answered": "Answered", "clv": "Lifetime value", "interval": "95% interval", "purchase": "₩39,000"},
}


def _seed_survey(app) -> None:
    """cust-7: delivered and asked (answered 4 of 10, with a comment), delivered again (asked recently),
    a ticket; other customers around them."""
    client, admin, now = app.test_client(), auth(ADMIN_KEY), datetime.now(UTC)
    ask_after_delivery(client)
    events = [("d-1", "order.delivered", 30, "cust-7"), ("t-1", "ticket.closed", 20, "cust-7"),
              ("o-3", "order.delivered", 25, "cust-3")]
    for event_id, kind, hours_ago, customer in events:
        reply = client.post("/v1/events", headers=admin, json={
            "id": event_id, "type": kind, "occurred_at": (now - timedelta(hours=hours_ago)).isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul",
                         "attributes": {"name": "김민지", "tier": "gold"}},
            "attributes": {"order_id": f"o-{event_id}", "carrier": "빠른택배 FastShip"}})
        assert reply.status_code == 201, reply.json
    token = next(s for s in plan_and_send(app, now) if s.customer_id == "cust-7").survey_url.rsplit("/", 1)[1]
    answered = client.post(f"/r/{token}", data={"q_nps": "4", "q_csat": "2", "q_comment": "상자가 찌그러져 왔어요"})
    assert answered.status_code in (200, 303)
    reply = client.post("/v1/events", headers=admin, json={
        "id": "d-2", "type": "order.delivered", "occurred_at": datetime.now(UTC).isoformat(),
        "customer": {"id": "cust-7"}, "attributes": {"order_id": "o-d-2"}})
    assert reply.status_code == 201
    plan(app, datetime.now(UTC))


def _seed_metrics(app) -> None:
    """Purchases of cust-7 and forty contracts (a third ended), one of them cust-7's, so sBG values it."""
    client, admin, now = app.test_client(), auth(ADMIN_KEY), datetime.now(UTC)
    buys = [{"id": f"t-{n}", "customer_id": "cust-7", "amount": "39000", "currency": "KRW",
             "occurred_at": (now - timedelta(hours=40 - 12 * n)).isoformat()} for n in range(3)]
    assert client.post("/v1/transactions/batch", json={"transactions": buys}, headers=admin).status_code == 200
    start = now - timedelta(days=400)
    contracts = [{"id": f"k-{n}", "customer_id": "cust-7" if n == 0 else f"other-{n}",
                  "started_at": start.date().isoformat(), "plan": "프리미엄 Premium", "recurring_value": "9900",
                  "currency": "KRW", "ended_at": (start + timedelta(days=31 * (n % 8) + 20)).date().isoformat()
                  if n % 3 == 1 else None} for n in range(40)]  # a third churn, spread over 8 months
    assert client.post("/v1/contracts/batch", json={"contracts": contracts}, headers=admin).status_code == 200


@pytest.fixture(scope="module")
def live_customer(tmp_path_factory):
    """The console calling the three services in-process, seeded with one customer's journey."""
    live = ConsoleStack(tmp_path_factory.mktemp("console-customer"), env=TOKEN_SECRET)
    _seed_survey(live.apps["survey"])
    _seed_metrics(live.apps["metrics"])
    live.serve(people(PEOPLE, "admin"))
    yield live
    live.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_customer_page_from_the_send_log(live_customer, browser, artifacts, language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_customer.base_url, PEOPLE[language][0], language, width)

    page.get_by_role("navigation").get_by_role("link", name=words["log"]).click()
    page.get_by_role("table").get_by_role("link", name="cust-7").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["customer"])
    expect(page.get_by_role("heading", name=words["value"])).to_be_visible()
    timeline = page.get_by_role("list", name=words["timeline"])
    expect(timeline.get_by_role("listitem").filter(has_text="order.delivered")).to_have_count(2)
    expect(timeline).to_contain_text(words["purchase"])
    expect(timeline).to_contain_text("상자가 찌그러져 왔어요")
    expect(page.get_by_text("cust-7@example.com")).to_be_visible()  # an admin reads personal data
    clv = page.locator(".card").filter(has=page.get_by_role("heading", name=words["clv"]))
    expect(clv).to_contain_text("₩")  # a contract customer's value, in their contract's currency
    expect(page.get_by_text(words["interval"]).first).to_be_visible()  # the value carries its interval
    fits(page, width)  # no sideways scroll
    check_page(page, artifacts, f"{prefix}-customer")

    summary = timeline.locator("summary", has_text=words["decisions"]).first
    summary.focus()
    page.keyboard.press("Enter")
    expect(timeline.locator("details[open]")).to_have_count(1)
    check_page(page, artifacts, f"{prefix}-customer-decisions")
    assert complaints == []
    context.close()
