"""Fixtures shared by the whole suite: databases (SQLite and a throwaway PostgreSQL), apps, keys.

PostgreSQL comes from ``CX_TEST_POSTGRES_URL`` (``make test`` starts a cluster and sets it). Each
service database is migrated with Alembic once per run and backend; each app test runs inside a
transaction that is rolled back.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine

from services.common.db import Database, create_database, make_engine
from services.common.keys import store_key
from services.common.migrate import upgrade
from shared.auth import mint_key
from tests.support import ADMIN_KEY

POSTGRES_URL = os.environ.get("CX_TEST_POSTGRES_URL")
BACKENDS = ("sqlite", "postgres")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI") and not POSTGRES_URL:
        raise pytest.UsageError("CI run without CX_TEST_POSTGRES_URL: run the suite with `make test`")


def new_postgres_database(prefix: str) -> str:
    """Create an empty database on the throwaway cluster and return its URL."""
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL (run with `make test`)")
    return create_database(POSTGRES_URL, prefix)


def new_database_url(backend: str, prefix: str, tmp_dir) -> str:
    """A fresh, empty database of the given backend."""
    if backend == "postgres":
        return new_postgres_database(prefix)
    return f"sqlite:///{tmp_dir / (prefix + '_' + uuid.uuid4().hex[:8] + '.db')}"


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory) -> Callable[[str, str], Engine]:
    """``get(service, backend)``: an engine on a migrated database, made once per run."""
    cache: dict[tuple[str, str], Engine] = {}
    tmp_dir = tmp_path_factory.mktemp("db")

    def get(service: str, backend: str) -> Engine:
        if (service, backend) not in cache:
            url = new_database_url(backend, f"cx_{service}", tmp_dir)
            upgrade(service, url)
            cache[(service, backend)] = make_engine(url)
        return cache[(service, backend)]

    yield get
    for engine in cache.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Run the test on SQLite (the embedded default) and on PostgreSQL."""
    return request.param


@dataclass
class ServiceUnderTest:
    """An app bound to a connection whose transaction is rolled back after the test."""

    app: Flask
    connection: Connection
    service: str

    def client(self):
        return self.app.test_client()

    def key_for(self, role: str, subject: str = "tester") -> str:
        """Store a new key of ``role`` in this test's transaction and return its plaintext."""
        from services.common.tables import PlatformTables  # noqa: F401 - documented type

        new_key = mint_key()
        store_key(self.connection, new_key, role=role, subject=subject, now=datetime.now(UTC),
                  tables=self.app.extensions["cx_tables"])
        return new_key.plaintext


def _config_class(service: str):
    module = __import__(f"services.{service}.config", fromlist=["TestConfig"])
    return module.TestConfig


def _create_app(service: str):
    module = __import__(f"services.{service}.app", fromlist=["create_app"])
    return module.create_app


@pytest.fixture
def make_service(migrated_databases, backend) -> Iterator[Callable[..., ServiceUnderTest]]:
    """``make_service("survey", clock=..., env={...})``: an app in a rolled-back transaction."""
    opened: list[tuple[Connection, object]] = []

    def make(service: str, *, clock=None, env: dict[str, str] | None = None) -> ServiceUnderTest:
        engine = migrated_databases(service, backend)
        connection = engine.connect()
        transaction = connection.begin()
        opened.append((connection, transaction))
        url = engine.url.render_as_string(hide_password=False)
        environ = {"CX_ADMIN_KEY": ADMIN_KEY, f"{service.upper()}_DATABASE_URL": url,
                   **(env or {})}
        config = _config_class(service)(environ)
        app = _create_app(service)(config, database=Database(bind=connection), clock=clock)
        return ServiceUnderTest(app=app, connection=connection, service=service)

    yield make
    for connection, transaction in opened:
        transaction.rollback()
        connection.close()
