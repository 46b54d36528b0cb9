"""Close-the-loop cases in headless Chromium at 360 and 1280 px, in Korean and English: a low score posted
through the real response page (`/r/<token>`) reaches notifier through survey's outbox and opens a case;
a team lead finds it at /cases, acknowledges, assigns it to themself, notes and resolves it; notifier keeps
the times; a lead outside the case's scope gets "not found" at its address. An admin's playbooks pages.
axe-core on every page (0 serious or critical violations); screenshots under test-artifacts/console/."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from services.common.outbox import OutboxRelay
from services.console.models import User
from services.console.people import ensure_user
from services.survey.clients.downstream import by_topic, notifier_handler
from services.survey.dispatch import dispatch_next
from services.survey.matching import match_pending_events
from services.survey.models import PLATFORM
from services.survey.runtime import dispatch_settings, planning_rules
from shared.http_client import RetryPolicy, ServiceClient
from tests.browser.console_stack import console_app, service_app
from tests.browser.test_console_browser import CONSOLE_KEY, PASSWORD, SECRET, WIDTHS, check_page
from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import survey_body

pytestmark = pytest.mark.browser
LEADS = {"ko": ("case-lead-ko@example.com", "김팀장"), "en": ("case-lead-en@example.com", "Lena Lead")}
OTHER_LEAD, ADMINS = "case-other@example.com", {"ko": "case-admin-ko@example.com", "en": "case-admin-en@example.com"}
RUNS = [(language, width) for language in ("ko", "en") for width in ("phone", "desktop")]
COMMENT = "상자가 찢어져 왔어요. 전화 주세요."
INSTRUCTION = {"ko": "24시간 안에 전화하고 재배송을 제안하세요", "en": "Call within 24 hours; offer re-delivery"}
WORDS = {
    "ko": {"email": "이메일", "password": "비밀번호", "sign_in": "로그인", "nav": "케이스", "ack": "확인",
           "acked": "확인했습니다.", "assign_to": "담당자", "assign": "배정", "note": "비고", "add_note": "메모 추가",
           "noted": "메모를 추가했습니다.", "outcome": "고객과 연락되지 않음", "resolve": "종결", "resolved": "종결했습니다",
           "not_found": "케이스를 찾을 수 없습니다", "playbooks": "플레이북",
           "new": "새 플레이북", "note_text": "고객에게 두 번 전화함, 연결 안 됨"},
    "en": {"email": "Email", "password": "Password", "sign_in": "Sign in", "nav": "Cases", "ack": "Acknowledge",
           "acked": "Acknowledged.", "assign_to": "Assign to", "assign": "Assign", "note": "Note",
           "add_note": "Add note", "noted": "Note added.", "outcome": "Could not reach the customer",
           "resolve": "Resolve", "resolved": "Resolved:", "not_found": "Case not found", "playbooks": "Playbooks", "new": "New playbook",
           "note_text": "Called twice, no answer"},
}


class LiveCases:
    """The console on 127.0.0.1 calling the services in-process; survey has one invitation per run."""

    def __init__(self, tmp_path) -> None:
        env = {"CX_CONSOLE_KEY": CONSOLE_KEY, "CX_CONSOLE_ACTOR_SECRET": SECRET, "CX_VAR_DIR": str(tmp_path),
               "CX_ADMIN_KEY": ADMIN_KEY, "SURVEY_TOKEN_SECRET": "browser-token-secret"}
        self.engines, transports, apps = [], {}, {}
        for name in ("survey", "metrics", "notifier"):
            apps[name] = service_app(name, tmp_path, env, self.engines)
            transports[name] = httpx.WSGITransport(app=apps[name])
        self.survey, self.notifier = apps["survey"].test_client(), apps["notifier"].test_client()
        self.tokens = _invite(apps["survey"])
        to_notifier = ServiceClient("http://notifier", api_key=ADMIN_KEY, transport=transports["notifier"],
                                    retry=RetryPolicy(max_attempts=1))
        self.relay = OutboxRelay(apps["survey"].extensions["db"].engine, PLATFORM,
                                 {"notifier": by_topic({"signal": notifier_handler(to_notifier)}),
                                  "metrics": lambda messages: {m.id: None for m in messages}}, service="survey")
        app = console_app(tmp_path, env, transports, self.engines, people=LEADS, role="team_lead", password=PASSWORD)
        self.ids = self._more_people(self.engines[-1])
        for language in LEADS:
            self._subscribe(self.ids[LEADS[language][0]], "delivery")
        self._subscribe(self.ids[OTHER_LEAD], "support")
        reply = self.notifier.post("/v1/playbooks", headers=auth(ADMIN_KEY), json={
            "touchpoint": "delivery", "segment": None, "instruction": INSTRUCTION, "target_hours": 24})
        assert reply.status_code == 201, reply.json
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def _more_people(engine) -> dict[str, int]:
        with Session(engine) as session:
            ensure_user(session, email=OTHER_LEAD, password=PASSWORD, role="team_lead", display_name="Olive Other",
                        language="en", time_zone="Asia/Seoul", now=datetime.now(UTC))
            for language, email in ADMINS.items():
                ensure_user(session, email=email, password=PASSWORD, role="admin", display_name=f"Admin {language}",
                            language=language, time_zone="Asia/Seoul", now=datetime.now(UTC))
            return dict(session.execute(select(User.email, User.id)).all())

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
        result = self.relay.drain(lambda: datetime.now(UTC))
        assert result.dead == 0, result.errors
        reply = self.notifier.get("/v1/cases", headers=auth(ADMIN_KEY),
                                  query_string={"view": "all", "customer_id": customer_id})
        [case] = reply.json["items"]
        return case

    def case(self, case_id: int) -> dict:
        reply = self.notifier.get(f"/v1/cases/{case_id}", headers=auth(ADMIN_KEY))
        assert reply.status_code == 200, reply.json
        return reply.json

    def close(self) -> None:
        self.server.shutdown()
        for engine in self.engines:
            engine.dispose()


def _invite(app) -> dict[str, str]:
    """A published delivery survey and trigger; one emailed invitation per run; their tokens by customer."""
    client, admin, now = app.test_client(), auth(ADMIN_KEY), datetime.now(UTC)
    survey = client.post("/v1/surveys", json=survey_body(name="배송 만족도 Delivery"), headers=admin).json
    assert client.post(f"/v1/surveys/{survey['id']}/publish", headers=admin).status_code == 201
    client.post("/v1/triggers", headers=admin, json={"name": "Ask after delivery", "event_type": "order.delivered",
                                                     "survey_id": survey["id"], "channel": "email"})
    for language, width in RUNS:
        customer = f"cust-{language}-{width}"
        reply = client.post("/v1/events", headers=admin, json={
            "id": f"d-{customer}", "type": "order.delivered", "occurred_at": now.isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul"},
            "attributes": {"order_id": f"o-{customer}"}})
        assert reply.status_code == 201, reply.json
    sent = []
    with app.extensions["db"].session_factory() as session:
        match_pending_events(session, now=now, rules=planning_rules(app.config), token_secret=app.config["TOKEN_SECRET"])
    while True:
        with app.extensions["db"].session_factory() as session:
            if dispatch_next(session, now=now, settings=dispatch_settings(app.config),
                             senders={"email": sent.append, "webhook": sent.append, "in_app": sent.append}) is None:
                break
    return {invitation.customer_id: invitation.survey_url.rsplit("/", 1)[1] for invitation in sent}


@pytest.fixture(scope="module")
def live_cases(tmp_path_factory):
    live = LiveCases(tmp_path_factory.mktemp("console-cases"))
    yield live
    live.close()


def _sign_in(browser, live, email: str, language: str, width: str):
    context = browser.new_context(viewport=WIDTHS[width], locale="ko-KR" if language == "ko" else "en-US")
    page = context.new_page()
    words = WORDS[language]
    page.goto(f"{live.base_url}/login?lang={language}")
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()
    return context, page


def _fits(page, width: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]


@pytest.mark.parametrize("language, width", RUNS)
def test_a_lead_closes_the_loop_on_a_low_score_and_another_lead_cannot_open_it(live_cases, browser, artifacts,
                                                                               language, width):
    words, (email, name), prefix = WORDS[language], LEADS[language], f"{language}-{width}"
    case = live_cases.answer_low(f"cust-{language}-{width}")
    assert case["status"] == "open" and case["touchpoint"] == "delivery" and case["score"] == 2
    context, page = _sign_in(browser, live_cases, email, language, width)
    csp = []
    page.on("console", lambda message: csp.append(message.text) if "Content Security Policy" in message.text else None)

    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    link = page.get_by_role("link", name=f"{'케이스' if language == 'ko' else 'Case'} {case['id']}", exact=True)
    expect(link).to_be_visible()
    _fits(page, width)
    check_page(page, artifacts, f"{prefix}-cases")

    link.click()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    expect(page.get_by_text(INSTRUCTION[language])).to_be_visible()  # the playbook in the reader's language
    expect(page.get_by_text("Fast", exact=True)).to_be_visible()  # the choice's label as the customer saw it
    _fits(page, width)
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
    _fits(page, width)
    check_page(page, artifacts, f"{prefix}-case-resolved")
    assert csp == []

    stored = live_cases.case(case["id"])
    assert stored["status"] == "resolved" and stored["outcome"] == "unreachable"
    assert stored["assignee"]["id"] == f"console-user:{live_cases.ids[email]}"
    assert stored["opened_at"] <= stored["acknowledged_at"] == stored["first_action_at"] <= stored["resolved_at"]
    assert stored["time_to_first_action_seconds"] is not None and stored["age_seconds"] >= 0
    assert [h["kind"] for h in stored["history"]] == ["opened", "acknowledged", "assigned", "noted", "resolved"]
    context.close()

    context, page = _sign_in(browser, live_cases, OTHER_LEAD, "en", width)
    reply = page.goto(f"{live_cases.base_url}/cases/{case['id']}")
    assert reply.status == 404
    expect(page.get_by_role("heading", name="Case not found")).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_have_count(0)
    context.close()


@pytest.mark.parametrize("language, width", RUNS)
def test_an_admin_reads_and_opens_the_playbooks(live_cases, browser, artifacts, language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page = _sign_in(browser, live_cases, ADMINS[language], language, width)
    page.get_by_role("navigation").get_by_role("link", name=words["playbooks"], exact=True).click()
    expect(page.get_by_text(INSTRUCTION[language])).to_be_visible()
    _fits(page, width)
    check_page(page, artifacts, f"{prefix}-playbooks")
    page.get_by_role("link", name=words["new"]).first.click()
    expect(page.get_by_role("heading", name=words["new"])).to_be_visible()
    _fits(page, width)
    check_page(page, artifacts, f"{prefix}-playbook-new")
    context.close()
