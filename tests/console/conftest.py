"""The console on both databases, calling survey, metrics and notifier in-process over WSGI.

The services get the console key and the actor secret; the console's clients reach them through
``httpx.WSGITransport``, so a page request runs the real services' authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.common.db import Database
from services.console.app import create_app
from services.console.clients import ServiceClients
from services.console.config import TestConfig
from services.console.people import ensure_user
from tests.console.support import ACTOR_SECRET, ADMIN_EMAIL, ADMIN_PASSWORD, CONSOLE_KEY, PASSWORD, ROLES
from tests.support import ADMIN_KEY

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SERVICE_ENV = {"CX_CONSOLE_KEY": CONSOLE_KEY, "CX_CONSOLE_ACTOR_SECRET": ACTOR_SECRET}


@dataclass
class ConsoleStack:
    """The console app and the three service apps it calls."""

    app: Flask
    services: dict
    connection: object
    make: object

    def client(self):
        return self.app.test_client()

    def person(self, role: str, email: str | None = None, **profile) -> str:
        """Make a person of ``role`` (password ``PASSWORD``); returns the email."""
        email = email or f"{role}@example.com"
        profile = {"language": "en", "time_zone": "Asia/Seoul", **profile}
        with Session(bind=self.connection, join_transaction_mode="create_savepoint") as session:
            ensure_user(session, email=email, password=PASSWORD, role=role, now=NOW, **profile)
        return email


@pytest.fixture
def console_stack(make_service, migrated_databases, backend, tmp_path):
    """``console_stack(services_up=True, env={})``: the console and, unless down, the three services."""
    made = []

    def make(*, services_up: bool = True, env: dict | None = None) -> ConsoleStack:
        services = {name: make_service(name, env=SERVICE_ENV) for name in ("survey", "metrics", "notifier")}
        engine = migrated_databases("console", backend)
        connection = engine.connect()
        transaction = connection.begin()
        made.append((connection, transaction))
        environ = {"CONSOLE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
                   "CX_VAR_DIR": str(tmp_path), "CX_ADMIN_KEY": ADMIN_KEY,
                   "CX_CONSOLE_ADMIN_EMAIL": ADMIN_EMAIL, "CX_CONSOLE_ADMIN_PASSWORD": ADMIN_PASSWORD,
                   "CONSOLE_DEFAULT_LANGUAGE": "en",
                   # The in-process services here share one database connection each (rolled back at
                   # the end), which serves one statement at a time: the page's reads go in order.
                   # The browser tests and the end-to-end walk send them together.
                   "CONSOLE_PARALLEL_READS": "1", **SERVICE_ENV, **(env or {})}
        config = TestConfig(environ)
        config.CONSOLE_TEST_ENV = environ  # lets a test start a second console on the same database
        transports = ({name: httpx.WSGITransport(app=service.app) for name, service in services.items()}
                      if services_up else {name: _DownTransport() for name in services})
        clients = ServiceClients.from_config(config, transports=transports)
        app = create_app(config, database=Database(bind=connection), clients=clients, clock=ManualClock(NOW))
        return ConsoleStack(app=app, services=services, connection=connection, make=make)

    yield make
    for connection, transaction in made:
        transaction.rollback()
        connection.close()


class _DownTransport(httpx.BaseTransport):
    """A service that does not answer (connection refused)."""

    def handle_request(self, request):
        raise httpx.ConnectError("connection refused", request=request)


@pytest.fixture
def console(console_stack) -> ConsoleStack:
    """The console with every service up, the bootstrap admin and one person of every role."""
    stack = console_stack()
    for role in ROLES:
        stack.person(role)
    return stack
