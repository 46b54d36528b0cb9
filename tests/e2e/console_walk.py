"""The console walk's stack and walker: real gunicorn processes of all four services and the survey worker
on PostgreSQL, mail going to a folder; one person per browser context, with axe and screenshots at 360 and
1280 px of every page visited (test-artifacts/console/walk-*.png)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from services.common.migrate import upgrade
from tests.browser.axe_support import serious_violations
from tests.browser.conftest import ARTIFACTS
from tests.conftest import new_postgres_database
from tests.e2e.processes import Process, service_env
from tests.reliability.stacks import FAST_WORKER
from tests.support import free_port

ADMIN_KEY = "e2e-walk-admin-key-0123456789"
ADMIN = ("walk-admin@example.com", "walk admin password 1")
PEOPLE = {"marketer": ("walk-marketer@example.com", "Mina Marketer"),
          "team_lead": ("walk-lead@example.com", "Lee Lead"),
          "analyst": ("walk-analyst@example.com", "Ana Analyst")}
PASSWORD = "walk person password 1"
WIDTHS = {"360": {"width": 360, "height": 780}, "1280": {"width": 1280, "height": 900}}
WAIT_MS = 60_000  # generous: a loaded two-core machine runs nine processes and a browser here
SERVICES = ("survey", "metrics", "notifier", "console")


def walk_stack(var: Path):
    """The four services' web processes and the survey worker, each on its own fresh database, until the
    generator is closed: yields the URLs, the mail folder and the logs folder."""
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
            serious = serious_violations(page)
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

    def add_person(self, role: str, screenshots: bool = False) -> None:
        """As the admin: add PEOPLE[role] through the People pages (``screenshots``: of the list and form)."""
        page, (address, display_name) = self.page, PEOPLE[role]
        self.nav("People")
        if screenshots:
            self.check("users")
        page.get_by_role("link", name="Add a person").first.click()
        page.get_by_label("Name").fill(display_name)
        page.get_by_label("Email").fill(address)
        page.get_by_label("Role").select_option(role)
        page.get_by_label("Language").select_option("en")
        page.get_by_label("First password").fill(PASSWORD)
        if screenshots:
            self.check("users-new")
        page.get_by_role("button", name="Add person").click()
        expect(page.get_by_role("status").first).to_be_visible()
        expect(page.get_by_role("table")).to_contain_text(display_name)

    def csrf_token(self) -> str:
        """The session's form token, as someone tampering by hand would copy it from any form."""
        return self.page.locator("input[name=csrf_token]").first.get_attribute("value") or ""

    def close(self) -> None:
        assert self.csp == [], f"{self.who}: {self.csp}"
        self.context.close()
