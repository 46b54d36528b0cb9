"""Authentication and roles on every service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common.keys import mark_revoked
from shared.auth import ROLE_NAMES, hash_key
from tests.support import ADMIN_KEY, SERVICES, auth


@pytest.fixture(params=SERVICES)
def service(request, make_service):
    return make_service(request.param)


def test_missing_key_is_401_envelope(service):
    reply = service.client().get("/v1/whoami")
    assert reply.status_code == 401
    assert reply.json["status"] == "Unauthorized"
    assert "Bearer" in reply.json["message"]


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Bearer cx_000000000000_nope", "Bearer nonsense"])
def test_bad_key_is_401(service, header):
    reply = service.client().get("/v1/whoami", headers={"Authorization": header})
    assert reply.status_code == 401
    assert reply.json["code"] == 401


def test_env_admin_key_gets_through(service):
    reply = service.client().get("/v1/whoami", headers=auth(ADMIN_KEY))
    assert reply.status_code == 200
    assert reply.json["role"] == "admin"
    assert reply.json["service"] == service.service


# The console role acts only for a person (shared.actor): tests/console/test_handover.py covers it.
@pytest.mark.parametrize("role", [role for role in ROLE_NAMES if role != "console"])
def test_every_role_against_an_admin_only_route(service, role):
    key = service.key_for(role, subject=f"{role}-user")
    client = service.client()
    who = client.get("/v1/whoami", headers=auth(key))
    assert who.status_code == 200
    assert who.json == {"key_id": key.split("_")[1], "role": role, "subject": f"{role}-user",
                        "service": service.service}
    admin_only = client.get("/v1/outbox", headers=auth(key))
    if role == "admin":
        assert admin_only.status_code == 200
    else:
        assert admin_only.status_code == 403
        assert admin_only.json["status"] == "Forbidden"
        assert role in admin_only.json["message"]


def test_keys_are_stored_only_as_hashes(service):
    key = service.key_for("analyst")
    tables = service.app.extensions["cx_tables"]
    rows = service.connection.execute(select(tables.api_keys)).all()
    stored = [value for row in rows for value in row if isinstance(value, str)]
    assert key not in stored
    assert hash_key(key) in stored


def test_revoked_key_is_refused(service):
    key = service.key_for("marketer")
    client = service.client()
    assert client.get("/v1/whoami", headers=auth(key)).status_code == 200
    found = mark_revoked(service.connection, key_id=key.split("_")[1], now=datetime.now(UTC),
                         tables=service.app.extensions["cx_tables"])
    assert found == 1
    assert client.get("/v1/whoami", headers=auth(key)).status_code == 401


def test_keys_cli_creates_one_key_valid_on_every_service_and_revokes_it(tmp_path, monkeypatch):
    from services.common.migrate import upgrade

    monkeypatch.setenv("CX_VAR_DIR", str(tmp_path))
    for name in SERVICES:
        monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
        upgrade(name)
    apps = {}
    for name in SERVICES:
        factory = __import__(f"services.{name}.app", fromlist=["create_app"]).create_app
        config = __import__(f"services.{name}.config", fromlist=["TestConfig"]).TestConfig
        apps[name] = factory(config)  # TESTING: no key cache, so revocation shows at once
    runner = apps["survey"].test_cli_runner()
    created = runner.invoke(args=["keys", "create", "--role", "finance", "--subject", "cfo"])
    assert created.exit_code == 0, created.output
    key = next(line.split()[-1] for line in created.output.splitlines() if line.startswith("key:"))
    for name, app in apps.items():
        reply = app.test_client().get("/v1/whoami", headers=auth(key))
        assert reply.status_code == 200, name
        assert reply.json["role"] == "finance"
    listed = runner.invoke(args=["keys", "list", "--service", "notifier"])
    assert "finance" in listed.output and "cfo" in listed.output and key not in listed.output
    revoked = runner.invoke(args=["keys", "revoke", key.split("_")[1]])
    assert revoked.exit_code == 0 and "3 database(s)" in revoked.output
    for app in apps.values():
        assert app.test_client().get("/v1/whoami", headers=auth(key)).status_code == 401
    again = runner.invoke(args=["keys", "revoke", key.split("_")[1]])
    assert again.exit_code != 0


def test_keys_cli_warns_when_a_subject_is_reused(tmp_path, monkeypatch):
    from services.common.migrate import upgrade
    from services.survey.app import create_app
    from services.survey.config import TestConfig

    monkeypatch.setenv("CX_VAR_DIR", str(tmp_path))
    for name in SERVICES:
        monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
        upgrade(name)
    runner = create_app(TestConfig).test_cli_runner()
    first = runner.invoke(args=["keys", "create", "--role", "team_lead", "--subject", "sec-team_lead"])
    assert first.exit_code == 0 and "warning" not in first.output
    first_id = next(line.split()[-1] for line in first.output.splitlines() if line.startswith("key id:"))
    for lookalike in ("sec-team_lead ", "SEC-team_lead", "ｓｅｃ-team_lead"):
        again = runner.invoke(args=["keys", "create", "--role", "team_lead", "--subject", lookalike])
        assert again.exit_code == 0 and "warning" in again.output and first_id in again.output, again.output
    other = runner.invoke(args=["keys", "create", "--role", "team_lead", "--subject", "ops-team_lead"])
    assert "warning" not in other.output
