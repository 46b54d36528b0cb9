"""In-process apps on a fresh migrated database (SQLite by default), with one stored key per role."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from services.common.db import make_engine
from services.common.keys import store_key
from services.common.migrate import upgrade
from shared.auth import mint_key
from tests.conftest import new_database_url

ADMIN = "reliability-inproc-admin-0123"
ROLES = ("admin", "marketer", "analyst", "finance", "team_lead", "ingest", "service")


def make_app(service: str, tmp_dir: Path, *, backend: str = "sqlite", env: dict[str, str] | None = None) -> Flask:
    """The service's app on a new, migrated database; ``app.config["CX_KEYS"]`` maps role to key."""
    url = new_database_url(backend, f"cx_rel_{service}", tmp_dir)
    upgrade(service, url)
    environ = {"CX_ADMIN_KEY": ADMIN, f"{service.upper()}_DATABASE_URL": url, **(env or {})}
    config = importlib.import_module(f"services.{service}.config").TestConfig(environ)
    app = importlib.import_module(f"services.{service}.app").create_app(config)
    keys = {"admin": ADMIN}
    engine = make_engine(url)
    with engine.begin() as connection:
        for role in ROLES[1:]:
            keys[role] = add_key(app, connection, role, subject=f"{role}-subject")
        keys["team_lead_b"] = add_key(app, connection, "team_lead", subject="another-lead")
    engine.dispose()
    app.config["CX_KEYS"] = keys
    return app


def add_key(app: Flask, connection, role: str, *, subject: str) -> str:
    """Store a new key of ``role`` and return its plaintext."""
    new_key = mint_key()
    store_key(connection, new_key, role=role, subject=subject or uuid.uuid4().hex, now=datetime.now(UTC),
              tables=app.extensions["cx_tables"])
    return new_key.plaintext


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
