"""Close-the-loop cases in headless Chromium at 360 and 1280 px, in Korean and English: a low score posted
through the real response page (`/r/<token>`) reaches notifier through survey's outbox and opens a case;
a team lead finds it at /cases, acknowledges, assigns it to themself, notes and resolves it; notifier keeps
the times; a lead outside the case's scope gets "not found" at its address. An admin's playbooks pages.
axe-core on every page (0 serious or critical violations); screenshots under test-artifacts/console/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from services.survey.clients.downstream import notifier_handler
from tests.browser.console_stack import RUNS, TOKEN_SECRET, ConsoleStack, Person, check_page, fits, people, signed_in
from tests.browser.survey_seed import ask_after_delivery, plan_and_send, relay, survey_outbox
from tests.support import ADMIN_KEY, auth

pytestmark = pytest.mark.browser
LEADS = {"ko": ("case-lead-ko@example.com", "김팀장"), "en": ("case-lead-en@example.com", "Lena Lead")}
OTHER_LEAD, ADMINS = "case-other@example.com", {"ko": "case-admin-ko@example.com", "en": "case-admin-en@example.com"}
COMMENT = "상자가 찢어져 왔어요. 전화 주세요."
INSTRUCTION = {"ko": "24시간 안에 전화하고 재배송을 제안하세요", "en": "Call within 24 hours; offer re-delivery"}
WORDS = {
    "ko": {"nav": "케이스", "ack": "확인", "acked": "확인했습니다.", "assign_to": "담당자", "assign": "배정", "note": "비고", "add_note": "메모 추가",
           "noted": "메모를 추가했습니다.", "outcome": "고객과 연락되지 않음", "resolve": "종결", "resolved": "종결했습니다",
           "not_found": "케이스를 찾을 수 없습니다", "playbooks": "플레이북",
           "new": "새 플레이북", "note_text": "고객에게 두 번 전화함, 연결 안 됨"},
    "en": {"nav": "Cases", "ack": "Acknowledge", "acked": "Acknowledged.", "assign_to": "Assign to", "assign": "Assign", "note": "Note",
           "add_note": "Add note", "noted": "Note added.", "outcome": "Could not reach the customer",
           "resolve": "Resolve", "resolved": "Resolved:", "not_found": "Case not found", "playbooks": "Playbooks", "new": "New playbook",
           "note_text": "Called twice, no answer"},
}


class LiveCases(ConsoleStack):
    """The console on 127.0.0.1 calling the services in-process; survey has one invitation per run."""

    def __init__(self, tmp_path) -> None:
        super().__init__(tmp_path, env=TOKEN_SECRET)
        self.survey, self.notifier = self.apps["survey"].test_client(), self.apps["notifier"].test_client()
        self.tokens = _invite(self.apps["survey"])
        self.relay = survey_outbox(self.apps["survey"], to="notifier", topic="signal", handler=notifier_handler,
                                   app=self.apps["notifier"])
        self.serve(people(LEADS, "team_lead") + [Person(OTHER_LEAD, "Olive Other", "team_lead", "en")]
                   + [Person(email, f"Admin {language}", "admin", language) for language, email in ADMINS.items()])
        for language in LEADS:
            self._subscribe(self.ids[LEADS[language][0]], "delivery")
        self._subscribe(self.ids[OTHER_LEAD], "support")
        reply = self.notifier.post("/v1/playbooks", headers=auth(ADMIN_KEY), json={
            "touchpoint": "delivery", "segment": None, "instruction": INSTRUCTION, "target_hours": 24})
        assert reply.status_code == 201, reply.json

    def _subscribe(self, user_id: int, touchpoint: str) -> None:
        reply = self.notifier.post("/v1/subscriptions", headers=auth(ADMIN_KEY), json={
            "name": f"Low NPS at {touchpoint}", "metric": "nps", "scope": {"touchpoint": [touchpoint]},
            "rule": {"kind": "low_score"}, "channels": [{"type": "email", "address": "lead@example.com"}],
            "owner": f"console-user:{user_id}"})
        assert reply.status_code == 201, reply.json

    def answer_low(self, customer_id: str) -> dict:
        """The customer answers on the response page with a low score; the outbox takes it to notifier."""
        answered = self.survey.post(f"/r/{self.tokens[customer_id]}",
                                    data={"q_nps": "2", "q_csat": "1", "q_why": "fast", "q_comment": COMMENT})
        assert answered.status_code in (200, 303), answered.status_code
        relay(self.relay)
        reply = self.notifier.get("/v1/cases", headers=auth(ADMIN_KEY),
                                  query_string={"view": "all", "customer_id": customer_id})
        [case] = reply.json["items"]
        return case

    def case(self, case_id: int) -> dict:
        reply = self.notifier.get(f"/v1/cases/{case_id}", headers=auth(ADMIN_KEY))
        assert reply.status_code == 200, reply.json
        return reply.json


def _invite(app) -> dict[str, str]:
    """A published delivery survey and trigger; one emailed invitation per run; their tokens by customer."""
    client, admin, now = app.test_client(), auth(ADMIN_KEY), datetime.now(UTC)
    ask_after_delivery(client, "배송 만족도 Delivery")
    for language, width in RUNS:
        customer = f"cust-{language}-{width}"
        reply = client.post("/v1/events", headers=admin, json={
            "id": f"d-{customer}", "type": "order.delivered", "occurred_at": now.isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul"},
            "attributes": {"order_id": f"o-{customer}"}})
        assert reply.status_code == 201, reply.json
    return {invitation.customer_id: invitation.survey_url.rsplit("/", 1)[1]
            for invitation in plan_and_send(app, now)}


@pytest.fixture(scope="module")
def live_cases(tmp_path_factory):
    live = LiveCases(tmp_path_factory.mktemp("console-cases"))
    yield live
    live.close()


@pytest.mark.parametrize("language, width", RUNS)
def test_a_lead_closes_the_loop_on_a_low_score_and_another_lead_cannot_open_it(live_cases, browser, artifacts,
                                                                               language, width):
    words, (email, name), prefix = WORDS[language], LEADS[language], f"{language}-{width}"
    case = live_cases.answer_low(f"cust-{language}-{width}")
    assert case["status"] == "open" and case["touchpoint"] == "delivery" and case["score"] == 2
    context, page, complaints = signed_in(browser, live_cases.base_url, email, language, width)

    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    link = page.get_by_role("link", name=f"{'케이스' if language == 'ko' else 'Case'} {case['id']}", exact=True)
    expect(link).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-cases")

    link.click()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    expect(page.get_by_text(INSTRUCTION[language])).to_be_visible()  # the playbook in the reader's language
    expect(page.get_by_text("Fast", exact=True)).to_be_visible()  # the choice's label as the customer saw it
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-case")

    page.get_by_role("button", name=words["ack"], exact=True).click()
    expect(page.get_by_text(words["acked"])).to_be_visible()
    page.get_by_label(words["assign_to"]).select_option(value=f"console-user:{live_cases.ids[email]}")
    page.get_by_role("button", name=words["assign"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=name)).to_be_visible()
    page.get_by_label(words["note"], exact=True).fill(words["note_text"])
    page.get_by_role("button", name=words["add_note"]).click()
    expect(page.get_by_text(words["noted"])).to_be_visible()
    page.get_by_label(words["outcome"]).check()
    page.get_by_role("button", name=words["resolve"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=words["resolved"])).to_be_visible()
    expect(page.get_by_text(words["note_text"])).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-case-resolved")
    assert complaints == []

    stored = live_cases.case(case["id"])
    assert stored["status"] == "resolved" and stored["outcome"] == "unreachable"
    assert stored["assignee"]["id"] == f"console-user:{live_cases.ids[email]}"
    assert stored["opened_at"] <= stored["acknowledged_at"] == stored["first_action_at"] <= stored["resolved_at"]
    assert stored["time_to_first_action_seconds"] is not None and stored["age_seconds"] >= 0
    assert [h["kind"] for h in stored["history"]] == ["opened", "acknowledged", "assigned", "noted", "resolved"]
    context.close()

    context, page, _complaints = signed_in(browser, live_cases.base_url, OTHER_LEAD, "en", width)
    reply = page.goto(f"{live_cases.base_url}/cases/{case['id']}")
    assert reply.status == 404
    expect(page.get_by_role("heading", name="Case not found")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_have_count(0)
    context.close()


@pytest.mark.parametrize("language, width", RUNS)
def test_an_admin_reads_and_opens_the_playbooks(live_cases, browser, artifacts, language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, _complaints = signed_in(browser, live_cases.base_url, ADMINS[language], language, width)
    page.get_by_role("navigation").get_by_role("link", name=words["playbooks"], exact=True).click()
    expect(page.get_by_text(INSTRUCTION[language])).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-playbooks")
    page.get_by_role("link", name=words["new"]).first.click()
    expect(page.get_by_role("heading", name=words["new"])).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-playbook-new")
    context.close()
