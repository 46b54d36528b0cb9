"""The console's pages on a GET read without BEGIN/ROLLBACK round trips on PostgreSQL
(``gets_without_transaction``); a form's POST still writes in one transaction, and the pooled
connection goes back to transactions after a GET. On a real engine (the other console tests run inside
one rolled-back connection, where the setting changes nothing)."""

from __future__ import annotations

import httpx
import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import Database, make_engine
from services.common.migrate import upgrade
from services.console.app import create_app
from services.console.clients import ServiceClients
from services.console.config import TestConfig as ConsoleTestConfig
from services.console.models import User
from tests.conftest import new_database_url
from tests.console.support import ADMIN_EMAIL, ADMIN_PASSWORD, post_form, sign_in, text_of


class _Down(httpx.BaseTransport):
    def handle_request(self, request):
        raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_pages_read_without_a_transaction_and_forms_write_in_one(backend, tmp_path, monkeypatch):
    url = new_database_url(backend, "cx_console_tx", tmp_path)
    upgrade("console", url)
    engine = make_engine(url, pool_size=1, max_overflow=0)  # one pooled connection: the GET's comes back
    environ = {"CONSOLE_DATABASE_URL": url, "CX_VAR_DIR": str(tmp_path), "CONSOLE_DEFAULT_LANGUAGE": "en",
               "CX_CONSOLE_ADMIN_EMAIL": ADMIN_EMAIL, "CX_CONSOLE_ADMIN_PASSWORD": ADMIN_PASSWORD}
    config = ConsoleTestConfig(environ)
    clients = ServiceClients.from_config(config, transports={name: _Down() for name in
                                                             ("survey", "metrics", "notifier")})
    app = create_app(config, database=Database(engine=engine), clients=clients)
    commands: list[str] = []
    original = psycopg.Connection._exec_command

    def record(self, command, *args, **kwargs):  # what psycopg sends besides the statements
        commands.append(bytes(command).decode().split()[0].upper())
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", record)
    try:
        http = app.test_client()
        assert sign_in(http).status_code == 302
        commands.clear()
        page = http.get("/settings/audit")  # the person and the audit log: database reads only
        assert page.status_code == 200 and "Admin" in text_of(page)
        if backend == "postgres":
            assert "BEGIN" not in commands and "ROLLBACK" not in commands, commands

        commands.clear()
        reply = post_form(http, "/settings/preferences", {"language": "ko", "time_zone": "Europe/Berlin"},
                          page="/settings/preferences")
        assert reply.status_code == 302, text_of(reply)
        if backend == "postgres":  # the same pooled connection, back to a transaction for the write
            assert commands[:1] == ["BEGIN"] and "COMMIT" in commands, commands
        with Session(engine) as session:
            stored = session.execute(select(User.language, User.time_zone)
                                     .where(User.email == ADMIN_EMAIL)).one()
        assert tuple(stored) == ("ko", "Europe/Berlin")
        page = http.get("/settings/preferences")  # the next GET reads what the POST committed
        assert page.status_code == 200 and 'lang="ko"' in page.get_data(as_text=True)
    finally:
        engine.dispose()
