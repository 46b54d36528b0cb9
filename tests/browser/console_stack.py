"""The console browser tests' one live stack: the services and the console in process on migrated SQLite
files, the console served on 127.0.0.1, people signed in through the form, axe and a screenshot per page."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import httpx
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from services.common.db import Database, make_engine
from services.common.migrate import upgrade
from services.console.app import create_app
from services.console.clients import ServiceClients
from services.console.config import TestConfig as ConsoleTestConfig
from services.console.models import User
from services.console.people import ensure_user
from tests.browser.axe_support import check_and_screenshot
from tests.support import ADMIN_KEY

CONSOLE_KEY, SECRET = "browser-console-key", "browser-actor-secret"
PASSWORD = "browser password 1"
TOKEN_SECRET = {"SURVEY_TOKEN_SECRET": "browser-token-secret"}
SERVICES = ("survey", "metrics", "notifier")
WIDTHS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
RUNS = [(language, width) for language in ("ko", "en") for width in ("phone", "desktop")]
SIGN_IN = {"ko": {"email": "이메일", "password": "비밀번호", "sign_in": "로그인"},
           "en": {"email": "Email", "password": "Password", "sign_in": "Sign in"}}


class Person(NamedTuple):
    """One console user made before the console serves."""

    email: str
    display_name: str
    role: str
    language: str


def people(by_language: dict[str, tuple[str, str]], role: str) -> list[Person]:
    """One person of ``role`` per language, from ``{language: (email, display name)}``."""
    return [Person(email, name, role, language) for language, (email, name) in by_language.items()]


def migrated_engine(name: str, tmp_path: Path, engines: list[Engine]) -> tuple[str, Engine]:
    """A new SQLite database of ``name``, migrated; its URL and engine (kept in ``engines`` to dispose)."""
    url = f"sqlite:///{tmp_path / (name + '.db')}"
    upgrade(name, url)
    engine = make_engine(url)
    engines.append(engine)
    return url, engine


def service_app(name: str, tmp_path: Path, env: dict[str, str], engines: list[Engine]) -> Flask:
    """The service's app on its own migrated database, configured from ``env``."""
    url, engine = migrated_engine(name, tmp_path, engines)
    module = __import__(f"services.{name}.app", fromlist=["create_app"])
    config = __import__(f"services.{name}.config", fromlist=["TestConfig"]).TestConfig(
        {**env, f"{name.upper()}_DATABASE_URL": url})
    return module.create_app(config, database=Database(engine=engine))


def idle_server() -> tuple[BaseWSGIServer, str]:
    """A server listening on 127.0.0.1 with no app yet (for an app that must know its own address)."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    return server, f"http://127.0.0.1:{server.server_port}"


class ConsoleStack:
    """``services`` in process on their own migrated databases (``apps``, reached by the console through
    ``transports``); seed them, then ``serve(people)`` makes the console's people and serves it at
    ``base_url``; ``close()`` stops every server and disposes every engine."""

    def __init__(self, tmp_path: Path, *, env: dict[str, str] | None = None, services=SERVICES,
                 admin: bool = True) -> None:
        self.tmp_path = tmp_path
        self.env = {"CX_CONSOLE_KEY": CONSOLE_KEY, "CX_CONSOLE_ACTOR_SECRET": SECRET, "CX_VAR_DIR": str(tmp_path),
                    **({"CX_ADMIN_KEY": ADMIN_KEY} if admin else {}), **(env or {})}
        self.engines: list[Engine] = []
        self.servers: list[BaseWSGIServer] = []
        self.apps: dict[str, Flask] = {}
        self.transports: dict[str, httpx.WSGITransport] = {}
        for name in services:
            self.add(name, service_app(name, tmp_path, self.env, self.engines))

    def add(self, name: str, app: Flask) -> Flask:
        """Let the console reach ``app`` as the service ``name`` (one built outside the stack)."""
        self.apps[name] = app
        self.transports[name] = httpx.WSGITransport(app=app)
        return app

    def serve(self, persons: list[Person]) -> dict[str, int]:
        """Build the console with ``persons`` (password PASSWORD) and serve it; their ids by email."""
        url, self.console_engine = migrated_engine("console", self.tmp_path, self.engines)
        with Session(self.console_engine) as session:
            for person in persons:
                ensure_user(session, email=person.email, password=PASSWORD, role=person.role,
                            display_name=person.display_name, language=person.language, time_zone="Asia/Seoul",
                            now=datetime.now(UTC))
            self.ids = dict(session.execute(select(User.email, User.id)).all())
        config = ConsoleTestConfig({**self.env, "CONSOLE_DATABASE_URL": url})
        console = create_app(config, database=Database(engine=self.console_engine),
                             clients=ServiceClients.from_config(config, transports=self.transports))
        self.base_url = self.start(*idle_server(), console)
        return self.ids

    def start(self, server: BaseWSGIServer, url: str, app: Flask) -> str:
        """Serve ``app`` on ``server`` (at ``url``) in a thread until ``close()``; its URL."""
        server.app = app
        self.servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return url

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
        for engine in self.engines:
            engine.dispose()


def watch_console(page) -> list[str]:
    """The page's Content-Security-Policy complaints and script errors, as they come (a missing favicon's
    404 aside: a missing script shows in what the test asserts drawn or done)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if (m.type == "error" or "Content Security Policy" in m.text)
            and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def sign_in(page, base_url: str, language: str, email: str) -> None:
    """Sign in through the form, in ``language``."""
    page.goto(f"{base_url}/login?lang={language}")
    submit_sign_in(page, language, email)


def submit_sign_in(page, language: str, email: str) -> None:
    """Fill and send the sign-in form the page shows, in ``language``."""
    words = SIGN_IN[language]
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()


def signed_in(browser, base_url: str, email: str, language: str, width: str, **options):
    """A new browser context at ``width`` in ``language``'s locale, signed in as ``email``: (context, page,
    the console's complaints from the sign-in on)."""
    context = browser.new_context(viewport=WIDTHS[width], locale="ko-KR" if language == "ko" else "en-US",
                                  **options)
    page = context.new_page()
    complaints = watch_console(page)
    sign_in(page, base_url, language, email)
    return context, page, complaints


def fits(page, width: str) -> None:
    """The page does not scroll sideways at ``width``."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]


def check_page(page, artifacts, name: str) -> None:
    """axe on the page (no serious or critical violation), then a full-page screenshot in console/."""
    check_and_screenshot(page, artifacts / "console", name)
