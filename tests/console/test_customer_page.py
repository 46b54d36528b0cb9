"""``/customers/<id>``: the journey (survey) and value (metrics) of one customer as one timeline, against
the real services (SQLite and PostgreSQL): what each role sees, pages that join up, a service down."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from services.survey.dispatch import dispatch_next
from services.survey.runtime import dispatch_settings
from tests.console.support import PASSWORD, sign_in, text_of
from tests.console.trigger_support import api_trigger, match, post_event, seed_survey
from tests.support import ADMIN_KEY, auth


def _signed_in(console, role: str):
    http = console.client()
    if role == "admin":
        sign_in(http)  # the bootstrap admin
    else:
        sign_in(http, f"{role}@example.com", PASSWORD)
    return http


def _dispatch(console) -> list:
    app, sent = console.services["survey"].app, []
    capture = {"email": sent.append, "webhook": sent.append, "in_app": sent.append}
    while True:
        with app.extensions["db"].session_factory() as session:
            if dispatch_next(session, now=datetime.now(UTC), settings=dispatch_settings(app.config),
                             senders=capture) is None:
                return sent


def _purchases(console, customer: str, minutes_ago: list[int], amount: str = "25000") -> None:
    now = datetime.now(UTC)
    rows = [{"id": f"{customer}-t{m}", "customer_id": customer, "amount": amount, "currency": "KRW",
             "occurred_at": (now - timedelta(minutes=m)).isoformat(), "attributes": {"email": "x@example.com"}}
            for m in minutes_ago]
    reply = console.services["metrics"].client().post("/v1/transactions/batch", json={"transactions": rows},
                                                      headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json


def _journey(console) -> None:
    """c-1: delivered (sent, answered 3), delivered again (asked recently), unsubscribed; two purchases."""
    survey = seed_survey(console)
    api_trigger(console, survey["id"])
    post_event(console, "e-1", minutes_ago=50, attributes={"order_id": "o-1", "name": "Kim Minji"})
    match(console)
    [sent] = _dispatch(console)
    token = sent.survey_url.rsplit("/", 1)[1]
    answered = console.services["survey"].client().post(f"/r/{token}", data={"q_nps": "3", "q_comment": "late box"})
    assert answered.status_code in (200, 303)
    post_event(console, "e-2", minutes_ago=20)
    match(console)
    unsubscribed = console.services["survey"].client().post("/v1/customers/c-1/unsubscribe", headers=auth(ADMIN_KEY))
    assert unsubscribed.status_code == 200
    _purchases(console, "c-1", [60, 30])


def test_a_marketer_reads_the_journey_with_each_decision_and_its_reason(console):
    _journey(console)
    page = text_of(_signed_in(console, "marketer").get("/customers/c-1"))
    assert "Customer c-1" in page and "c-1@example.com" in page and "Kim Minji" in page
    assert page.count('class="timeline__entry') == 6  # 2 events, 2 invitations, 1 answer, 1 unsubscribe
    assert "Delivery CSAT · Email" in page and "Answered Delivery CSAT" in page
    assert "Net Promoter Score (NPS): 3" in page and "Not sent: asked recently" in page and "late box" in page
    assert "Not sent: this survey was sent to the customer within its recontact window" in page
    assert "Unsubscribed from all surveys" in page
    assert "Your role may not read this customer's purchases and value." in page
    assert "₩25,000" not in page  # metrics refuses a marketer the money side
    order = [page.index(text) for text in ("Unsubscribed from all surveys", "Not sent: this survey",
                                           "Answered Delivery CSAT", "order.delivered")]
    assert order == sorted(order)  # newest first
    assert re.search(r'href="/invitations/\d+"', page)


def test_an_analyst_sees_both_sides_without_personal_data(console):
    _journey(console)
    page = text_of(_signed_in(console, "analyst").get("/customers/c-1"))
    assert "c-1@example.com" not in page and "Kim Minji" not in page and "x@example.com" not in page
    assert "Contact details and personal attributes are hidden" in page
    assert "Answered Delivery CSAT" in page and "order_id: o-1" in page
    assert page.count("₩25,000") == 2 and "₩50,000" in page and "2 transactions" in page
    assert "Not available:" in page  # no CLV fit yet, and the page says so
    assert page.count('class="timeline__entry') == 8


def test_finance_sees_the_money_side_only_and_a_team_lead_is_refused(console):
    _journey(console)
    page = text_of(_signed_in(console, "finance").get("/customers/c-1"))
    assert "Your role may not read this customer's survey journey" in page
    assert "₩50,000" in page and page.count('class="timeline__entry') == 2
    assert _signed_in(console, "team_lead").get("/customers/c-1").status_code == 403


def test_unknown_customers_are_404_for_every_role(console):
    for role in ("marketer", "analyst", "finance", "admin"):
        assert _signed_in(console, role).get("/customers/nobody").status_code == 404, role


def test_older_pages_join_up_with_purchases_shown_once(console):
    for minute in range(1, 41):  # 40 events a minute apart; purchases in between
        post_event(console, f"p-{minute:02d}", customer="c-9", minutes_ago=minute * 2)
    _purchases(console, "c-9", [m * 2 + 1 for m in range(0, 41, 4)])  # 11 purchases, one after every 4th event
    http = _signed_in(console, "admin")
    first = text_of(http.get("/customers/c-9"))
    older = re.search(r'href="(/customers/c-9\?[^"]+)">Older<', first)
    assert older, "no link to the older page"
    second = text_of(http.get(older.group(1).replace("&amp;", "&")))
    assert "Older<" not in second and 'href="/customers/c-9">Newest<' in second
    events = re.findall(r"order_id: o-(p-\d\d)", first + second)
    assert len(events) == 40 and len(set(events)) == 40
    purchases = (first + second).count("₩25,000")
    assert purchases == 11
    assert first.count('class="timeline__entry') + second.count('class="timeline__entry') == 51


def test_tampered_paging_is_not_an_error(console):
    _journey(console)
    http = _signed_in(console, "admin")
    assert http.get("/customers/c-1?before=yesterday").status_code == 200
    refused = http.get("/customers/c-1?cursor=not-a-cursor&before=2025-01-01T00:00:00%2B00:00")
    assert refused.status_code == 200 and "invalid cursor" in text_of(refused)


def test_a_service_down_is_named_and_the_rest_still_shows(console_stack):
    stack = console_stack(services_up=False)
    stack.person("analyst")
    page = _signed_in(stack, "analyst").get("/customers/c-1")
    assert page.status_code == 200
    text = text_of(page)
    assert "The survey service is not answering" in text and "The metrics service is not answering" in text


def test_the_send_log_links_to_the_customer(console):
    _journey(console)
    http = _signed_in(console, "marketer")
    log = text_of(http.get("/invitations"))
    assert 'href="/customers/c-1"' in log
    invitation = re.search(r'href="(/invitations/\d+)"', log).group(1)
    assert 'href="/customers/c-1"' in text_of(http.get(invitation))


def test_the_page_reads_in_korean(console):
    _journey(console)
    http = console.client()
    email = console.person("marketer", "ko-marketer@example.com", language="ko")
    sign_in(http, email, PASSWORD)
    page = text_of(http.get("/customers/c-1"))
    assert "고객 c-1" in page and "타임라인" in page and "모든 설문 수신 거부" in page
