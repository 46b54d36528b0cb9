"""``reads_without_transaction``: an editor's read on PostgreSQL sends its SELECTs with no BEGIN and no
ROLLBACK around them, reads what is committed, and leaves the pooled connection as it found it."""

from __future__ import annotations

import sqlite3
import uuid

import psycopg
import pytest
from sqlalchemy import event, make_url, text
from sqlalchemy.exc import OperationalError
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


def test_on_sqlite_the_reads_do_not_wait_for_a_writer_and_see_only_what_is_committed(tmp_path):
    url = new_database_url("sqlite", "cx_reads", tmp_path)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    # Short waits for this test's connections: a read that queued behind the writer fails at once
    # ("database is locked") instead of after the usual 30 s.
    event.listen(engine, "connect", lambda dbapi_connection, _record: dbapi_connection.execute(
        "PRAGMA busy_timeout=50"))
    table = f"t_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(20))"))
        connection.execute(text(f"INSERT INTO {table} VALUES (1, 'one')"))
    writer = sqlite3.connect(make_url(url).database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process's write in progress: it holds the write lock
        writer.execute(f"INSERT INTO {table} VALUES (2, 'two')")
        with Session(engine) as session:
            reads_without_transaction(session)
            names = session.execute(text(f"SELECT name FROM {table} ORDER BY id")).scalars().all()
        assert names == ["one"]  # read at once, without the writer's uncommitted row
        with Session(engine) as session, pytest.raises(OperationalError, match="locked"):
            session.execute(text(f"SELECT name FROM {table}")).all()  # an ordinary session queues for the lock
        writer.execute("COMMIT")
        with Session(engine) as session:  # and writes as before once the lock is free
            session.execute(text(f"INSERT INTO {table} VALUES (3, 'three')"))
            session.commit()
        with Session(engine) as session:
            reads_without_transaction(session)
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 3
    finally:
        writer.close()
        engine.dispose()
