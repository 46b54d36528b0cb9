"""Each service's Alembic environment upgrades and downgrades cleanly on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from services.common.db import make_engine
from services.common.migrate import downgrade, upgrade
from tests.conftest import new_database_url
from tests.support import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_upgrade_downgrade_upgrade(service, backend, tmp_path):
    url = new_database_url(backend, f"cx_mig_{service}", tmp_path)
    upgrade(service, url)
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"api_keys", "outbox_messages", "worker_heartbeats", "alembic_version"} <= tables
        downgrade(service, url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(service, url)
        assert {"api_keys", "outbox_messages"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_database_uses_wal(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    upgrade("survey", url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
