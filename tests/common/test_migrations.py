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


def test_notifier_owner_migration_moves_subscriptions_from_subject_to_key_id(backend, tmp_path):
    """Rows made when the subject owned them move to the one key with that subject; ambiguous ones stay."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    url = new_database_url(backend, "cx_mig_owner", tmp_path)
    upgrade("notifier", url, revision="notifier_0004")
    engine = make_engine(url)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            for key_id, subject, revoked in [("aaaaaaaaaaaa", "kim", None), ("bbbbbbbbbbbb", "lee", None),
                                             ("cccccccccccc", "lee", None), ("dddddddddddd", "kim", now)]:
                connection.execute(text(
                    "INSERT INTO api_keys (key_id, key_hash, role, subject, created_at, revoked_at) "
                    "VALUES (:k, :h, 'team_lead', :s, :t, :r)"), {"k": key_id, "h": key_id * 5, "s": subject,
                                                                   "t": now, "r": revoked})
            for sub_id, owner in [("s1", "kim"), ("s2", "lee"), ("s3", "gone")]:
                connection.execute(text(
                    "INSERT INTO subscriptions (id, owner, name, metric, volume_of, rule_kind, scope, rule, "
                    "channels, lang, cooldown_minutes, active, unsubscribe_token, created_at, updated_at) "
                    "VALUES (:i, :o, 'n', 'nps', 'nps', 'drop', '{}', '{}', '[]', 'en', 60, true, :i, :t, :t)"),
                    {"i": sub_id, "o": owner, "t": now})
        upgrade("notifier", url)
        with engine.connect() as connection:
            owners = dict(connection.execute(text("SELECT id, owner FROM subscriptions")).all())
        assert owners == {"s1": "aaaaaaaaaaaa", "s2": "lee", "s3": "gone"}
        downgrade("notifier", url, revision="notifier_0004")
        with engine.connect() as connection:
            assert dict(connection.execute(text("SELECT id, owner FROM subscriptions")).all())["s1"] == "kim"
    finally:
        engine.dispose()
