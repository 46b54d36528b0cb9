"""``reads_without_transaction``: an editor's read on PostgreSQL sends its SELECTs with no BEGIN and no
ROLLBACK around them, reads what is committed, and leaves the pooled connection as it found it."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.common.db import make_engine, reads_without_transaction
from tests.conftest import new_database_url


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_reads_go_without_begin_and_rollback_on_postgres_only(backend, tmp_path):
    engine = make_engine(new_database_url(backend, "cx_reads", tmp_path), pool_size=1, max_overflow=0)
    table = f"t_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(20))"))
        connection.execute(text(f"INSERT INTO {table} VALUES (1, 'one'), (2, 'two')"))
    commands: list[str] = []
    original = psycopg.Connection._exec_command

    def record(self, command, *args, **kwargs):  # the commands psycopg sends besides the statements
        commands.append(bytes(command).decode().split()[0].upper())
        return original(self, command, *args, **kwargs)

    psycopg.Connection._exec_command = record
    try:
        with Session(engine) as session:
            reads_without_transaction(session)
            names = [session.execute(text(f"SELECT name FROM {table} WHERE id = :id"), {"id": i}).scalar_one()
                     for i in (1, 2)]
        assert names == ["one", "two"]
        if backend == "postgres":
            assert "BEGIN" not in commands and "ROLLBACK" not in commands, commands
        # the pooled connection is back to transactions: a session that writes and rolls back leaves nothing
        with Session(engine) as session:
            session.execute(text(f"INSERT INTO {table} VALUES (3, 'three')"))
            session.rollback()
        with engine.connect() as connection:
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 2
        if backend == "postgres":
            assert "BEGIN" in commands and "ROLLBACK" in commands  # the later session did open one
    finally:
        psycopg.Connection._exec_command = original
        engine.dispose()
