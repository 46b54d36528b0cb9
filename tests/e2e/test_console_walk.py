"""The console walked end to end, as people would, against real gunicorn processes of all four services
and the survey worker on PostgreSQL, mail going to a folder.

The admin adds a marketer, a team lead and an analyst and creates an ingest key; the marketer builds a
bilingual survey (NPS, CES, text), previews it in Korean at 360 px, publishes it, makes a trigger with no
wait and a condition and dry-runs it on a pasted event; a shop system posts a matching event with the
ingest key; the send log shows the invitation sent and the email lands in the mail folder. Then the team
lead is refused the survey and trigger pages, also by tampered URLs and a forged form post, and the
analyst reads surveys without being able to change them. axe-core runs on every page visited (0 serious
or critical violations); screenshots at 360 and 1280 px go to test-artifacts/console/walk-*.png.
"""

from __future__ import annotations

import email
import re
import shutil
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from services.common.migrate import upgrade
from services.console.trigger_form import BLANK_CONDITION_ROWS
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS
from tests.conftest import new_postgres_database
from tests.e2e.processes import Process, service_env, wait_until
from tests.reliability.stacks import FAST_WORKER
from tests.support import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.postgres, pytest.mark.timeout(1200)]
ADMIN_KEY = "e2e-walk-admin-key-0123456789"
ADMIN = ("walk-admin@example.com", "walk admin password 1")
PEOPLE = {"marketer": ("walk-marketer@example.com", "Mina Marketer"),
          "team_lead": ("walk-lead@example.com", "Lee Lead"),
          "analyst": ("walk-analyst@example.com", "Ana Analyst")}
PASSWORD = "walk person password 1"
WIDTHS = {"360": {"width": 360, "height": 780}, "1280": {"width": 1280, "height": 900}}
SERIOUS = {"serious", "critical"}
WAIT_MS = 60_000  # generous: a loaded two-core machine runs nine processes and a browser here
SERVICES = ("survey", "metrics", "notifier", "console")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """The four services' web processes and the survey worker, each on its own fresh database."""
    var = tmp_path_factory.mktemp("walk")
    logs, mail = var / "logs", var / "mail"
    logs.mkdir()
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {}
    for name in SERVICES:
        databases[name] = new_postgres_database(f"cx_walk_{name}")
        upgrade(name, databases[name])
    env = service_env(urls, admin_key=ADMIN_KEY, var=var, extra={
        **{f"{n.upper()}_DATABASE_URL": url for n, url in databases.items()}, **FAST_WORKER,
        "SURVEY_PUBLIC_BASE_URL": urls["survey"], "CONSOLE_PUBLIC_BASE_URL": urls["console"],
        "SURVEY_MAIL_DIR": str(mail), "SURVEY_SMTP_HOST": "",
        "CX_CONSOLE_KEY": "e2e-walk-console-key-0123456789", "CX_CONSOLE_ACTOR_SECRET": "e2e-walk-actor-secret",
        "CX_CONSOLE_ADMIN_EMAIL": ADMIN[0], "CX_CONSOLE_ADMIN_PASSWORD": ADMIN[1],
        "CONSOLE_SECRET_KEY": "e2e-walk-session-secret", "CONSOLE_DEFAULT_LANGUAGE": "en",
        "CONSOLE_SERVICE_TIMEOUT_SECONDS": "30"})
    processes = []
    try:
        for name in SERVICES:
            processes.append(Process(name, "web", env, logs, port=ports[name]).start())
        processes.append(Process("survey", "worker", env, logs).start())
        yield {"urls": urls, "mail": mail, "logs": logs}
    finally:
        for process in processes:
            process.stop()


def tail(logs: Path, name: str) -> str:
    path = logs / f"{name}.log"
    return path.read_text(errors="replace")[-3000:] if path.exists() else f"(no {path.name})"


class Walker:
    """One person in one browser context: axe and screenshots at both widths on every page visited."""

    def __init__(self, browser, base_url: str, who: str) -> None:
        self.context = browser.new_context(viewport=WIDTHS["1280"], locale="en-US", base_url=base_url)
        self.context.set_default_timeout(WAIT_MS)
        self.page, self.who, self.base_url = self.context.new_page(), who, base_url
        self.csp: list[str] = []
        self.page.on("console", lambda message: self.csp.append(message.text)
                     if "Content Security Policy" in message.text else None)

    def check(self, name: str) -> None:
        """axe (no serious or critical violation), then full-page screenshots at 360 and 1280 px."""
        page = self.page
        folder = ARTIFACTS / "console"
        folder.mkdir(parents=True, exist_ok=True)
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            results = Axe().run(page)
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                       for v in results.response["violations"] if v["impact"] in SERIOUS]
            assert serious == [], f"{self.who} {name} at {width} px: {serious}"
            page.screenshot(path=str(folder / f"walk-{self.who}-{name}-{width}.png"), full_page=True)
        page.set_viewport_size(WIDTHS["1280"])

    def sign_in(self, email_address: str, password: str) -> None:
        page = self.page
        page.goto("/login")
        self.check("login")
        page.get_by_label("Email").fill(email_address)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        self.check("overview")

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(name)

    def csrf_token(self) -> str:
        """The session's form token, as someone tampering by hand would copy it from any form."""
        return self.page.locator("input[name=csrf_token]").first.get_attribute("value") or ""

    def close(self) -> None:
        assert self.csp == [], f"{self.who}: {self.csp}"
        self.context.close()


def test_the_console_walked_by_every_role_against_the_real_services(walk, browser):
    urls, stamp = walk["urls"], datetime.now(UTC).strftime("%H%M%S")

    # 1. The admin adds the people and an ingest key for the shop.
    admin = Walker(browser, urls["console"], "admin")
    admin.sign_in(*ADMIN)
    page = admin.page
    for role, (address, display_name) in PEOPLE.items():
        admin.nav("People")
        if role == "marketer":
            admin.check("users")
        page.get_by_role("link", name="Add a person").first.click()
        page.get_by_label("Name").fill(display_name)
        page.get_by_label("Email").fill(address)
        page.get_by_label("Role").select_option(role)
        page.get_by_label("Language").select_option("en")
        page.get_by_label("First password").fill(PASSWORD)
        if role == "marketer":
            admin.check("users-new")
        page.get_by_role("button", name="Add person").click()
        expect(page.get_by_role("status").first).to_be_visible()
        expect(page.get_by_role("table")).to_contain_text(display_name)
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
    survey_id = int(re.search(r"/surveys/(\d+)/edit", page.url).group(1))

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
    trigger_id = int(re.search(r"/triggers/(\d+)", page.url).group(1))
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

    def sent() -> bool:
        page.reload()
        table = page.get_by_role("table")
        return table.count() == 1 and "Sent" in table.inner_text()

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

    # 6. The team lead: no survey or trigger pages, not by the menu, a typed URL or a forged post.
    lead = Walker(browser, urls["console"], "team_lead")
    lead.sign_in(PEOPLE["team_lead"][0], PASSWORD)
    page = lead.page
    menu = page.get_by_role("navigation")
    for hidden in ("Surveys", "Triggers", "Send log", "People", "API keys"):
        expect(menu.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    for path, name in ((f"/surveys/{survey_id}/edit", "survey"), ("/surveys", "surveys"), ("/triggers", "triggers"),
                       (f"/triggers/{trigger_id}", "trigger"), ("/settings/users", "users"),
                       ("/settings/keys", "keys"), ("/invitations", "invitations")):
        reply = page.goto(path)
        assert reply is not None and reply.status == 403, (path, reply and reply.status)
        expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
        lead.check(f"refused-{name}")
    page.goto("/")
    token = lead.csrf_token()
    forged = {"csrf_token": token, "name": "taken over", "survey_id": str(survey_id), "event_type": "order.delivered",
              "delay_amount": "0", "delay_unit": "hours", "sampling_percent": "100", "channel": "email",
              "expires_amount": "7", "expires_unit": "days", "reminder_unit": "days", "priority": "0",
              **{f"conditions-{row}-{part}": value for row in range(BLANK_CONDITION_ROWS)
                 for part, value in (("field", "event.amount" if row == 0 else ""), ("op", "gte"),
                                     ("value", "1" if row == 0 else ""))}}
    for path, form in ((f"/triggers/{trigger_id}", forged), ("/triggers/new", forged),
                       (f"/surveys/{survey_id}/publish", {"csrf_token": token}),
                       ("/settings/users/new", {"csrf_token": token, "display_name": "Sneaky", "role": "admin",
                                                "email": "sneaky@example.com", "password": "a long password 123",
                                                "language": "en", "time_zone": "Asia/Seoul"})):
        reply = page.request.post(path, form=form)
        # A new trigger's form is checked first: the surveys the team lead may not list are no choice (422).
        assert reply.status in ((403, 422) if path == "/triggers/new" else (403,)), (path, reply.status)
    with httpx.Client(base_url=urls["survey"], timeout=30, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        trigger = api.get(f"/v1/triggers/{trigger_id}").json()
        assert trigger["name"] == trigger_name
        assert [t["id"] for t in api.get("/v1/triggers").json()] == [trigger_id]
        assert [v["version"] for v in api.get(f"/v1/surveys/{survey_id}/versions").json()] == [1]
    lead.close()

    # The analyst reads surveys and triggers; changing them is refused.
    analyst = Walker(browser, urls["console"], "analyst")
    analyst.sign_in(PEOPLE["analyst"][0], PASSWORD)
    page = analyst.page
    analyst.nav("Surveys")
    expect(page.get_by_role("table")).to_contain_text(survey_name)
    expect(page.get_by_role("link", name="New survey")).to_have_count(0)
    analyst.check("surveys-read-only")
    page.get_by_role("link", name=survey_name).click()
    expect(page.get_by_text("You can read this survey; only marketers and admins can change it.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    analyst.check("survey-read-only")
    analyst.nav("Triggers")
    expect(page.get_by_role("link", name="New trigger")).to_have_count(0)
    page.get_by_role("link", name=trigger_name).click()
    analyst.check("trigger-read-only")
    token = analyst.csrf_token()
    for path, form in ((f"/surveys/{survey_id}/publish", {"csrf_token": token}),
                       (f"/triggers/{trigger_id}", {**forged, "csrf_token": token})):
        reply = page.request.post(path, form=form)
        assert reply.status == 403, (path, reply.status)
    reply = page.goto("/settings/users")
    assert reply is not None and reply.status == 403
    analyst.close()

    # Everything the people did through the console is in the audit log.
    page = admin.page
    admin.nav("Audit log")
    for action in ("user.created", "key.created", "survey.created", "survey.published", "trigger.created"):
        expect(page.get_by_role("table")).to_contain_text(action)
    admin.check("audit-after")
    admin.close()
