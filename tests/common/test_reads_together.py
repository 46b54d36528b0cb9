"""``rows_together``: independent SELECTs read in one go (one psycopg pipeline on PostgreSQL) give the
rows each would give alone, typed as SQLAlchemy types them, see the session's transaction, and fail
as SQLAlchemy's errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, bindparam, event, func, select, union_all
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.orm import Session

from services.common.db import column_rows, make_engine, reads_without_transaction
from services.common.reads_together import rows_together
from services.common.types import UtcDateTime
from tests.conftest import new_database_url

SEOUL = timezone(timedelta(hours=9))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    engine = make_engine(new_database_url(request.param, "cx_together", tmp_path), pool_size=1, max_overflow=0)
    metadata = MetaData()
    things = Table(f"things_{uuid.uuid4().hex[:8]}", metadata, Column("id", Integer, primary_key=True),
                   Column("kind", String(20)), Column("at", UtcDateTime), Column("extra", JSON))
    metadata.create_all(engine)
    base = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(things.insert(), [
            {"id": 1, "kind": "a", "at": base, "extra": {"n": 1, "name": "하나"}},
            {"id": 2, "kind": "b", "at": base + timedelta(hours=1), "extra": [1, 2]},
            {"id": 3, "kind": "a", "at": (base + timedelta(hours=2)).astimezone(SEOUL), "extra": None}])
    yield request.param, engine, things
    engine.dispose()


def _reads(things):
    by_kind = select(things.c.id, things.c.at, things.c.extra).where(things.c.kind == bindparam("kind")).order_by(
        things.c.id)
    after = select(things.c.id).where(things.c.at > bindparam("after", type_=UtcDateTime)).order_by(things.c.id)
    counts = union_all(select(things.c.kind, func.count()).group_by(things.c.kind),
                       select(things.c.kind, func.count()).where(things.c.id > 100).group_by(things.c.kind))
    latest = select(things.c.id, things.c.at).where(things.c.id == select(func.max(things.c.id)).scalar_subquery())
    return [(by_kind, {"kind": "a"}), (after, {"after": datetime(2026, 12, 5, 19, 30, tzinfo=SEOUL)}),
            (counts, None), (latest, None), (by_kind, {"kind": "none"})]


def _counted(engine, table):
    """How many statements about ``table`` went through SQLAlchemy's cursor, and how many pipelines."""
    seen = {"statements": 0, "pipelines": 0}

    def count(_connection, _cursor, statement, *_args):
        seen["statements"] += table.name in statement

    event.listen(engine, "before_cursor_execute", count)
    return seen


def test_the_rows_are_those_of_each_read_alone_typed_alike(store, monkeypatch):
    backend, engine, things = store
    reads = _reads(things)
    with Session(engine) as session:
        alone = [[tuple(row) for row in column_rows(session, statement, params)] for statement, params in reads]
    seen = _counted(engine, things)
    pipeline = psycopg.Connection.pipeline

    def counted_pipeline(self, *args, **kwargs):
        seen["pipelines"] += 1
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted_pipeline)
    with Session(engine) as session:
        reads_without_transaction(session)
        together = rows_together(session, reads)
    assert [[tuple(row) for row in rows] for rows in together] == alone
    by_kind, after, counts, latest, empty = together
    assert [row.id for row in by_kind] == [1, 3] and by_kind[0].extra == {"n": 1, "name": "하나"}
    assert by_kind[1].at == datetime(2026, 12, 5, 11, 0, tzinfo=UTC) and by_kind[1].at.tzinfo == UTC  # UtcDateTime's
    assert [row.id for row in after] == [3]  # 19:30 Seoul is 10:30 UTC: the bound value went through UtcDateTime
    assert sorted(tuple(row) for row in counts) == [("a", 2), ("b", 1)]
    assert latest[0].id == 3 and empty == []
    if backend == "postgres":
        assert seen == {"statements": 0, "pipelines": 1}  # none through SQLAlchemy's cursor: all in the pipeline
    else:
        assert seen == {"statements": len(reads), "pipelines": 0}


def test_the_reads_see_the_sessions_own_transaction(store):
    _backend, engine, things = store
    with Session(engine) as session:
        session.execute(things.insert().values(id=4, kind="a", at=datetime(2026, 12, 6, tzinfo=UTC), extra=None))
        by_kind, _after, counts, latest, _empty = rows_together(session, _reads(things))
        assert [row.id for row in by_kind] == [1, 3, 4] and latest[0].id == 4
        session.rollback()
    with Session(engine) as session:
        assert [row.id for row in rows_together(session, _reads(things))[0]] == [1, 3]


def test_a_failing_read_is_sqlalchemys_error_and_the_connection_still_serves(store):
    backend, engine, things = store
    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    with Session(engine) as session:
        reads_without_transaction(session)
        with pytest.raises(DBAPIError) as raised:
            rows_together(session, [(select(things.c.id), None), (select(missing.c.id), None)])
        assert isinstance(raised.value, ProgrammingError) if backend == "postgres" else True
        assert "no_such_table" in str(raised.value.orig)
    with Session(engine) as session:  # the pooled connection (pool of one) answers the next read
        assert [row.id for row in rows_together(session, _reads(things))[0]] == [1, 3]


def test_a_connection_the_server_dropped_is_replaced_for_the_next_read(store):
    backend, engine, things = store
    if backend != "postgres":
        pytest.skip("a server that drops a connection: PostgreSQL")
    with Session(engine) as session:
        reads_without_transaction(session)
        pid = column_rows(session, select(func.pg_backend_pid())).scalar_one()
        killer = make_engine(engine.url.render_as_string(hide_password=False))
        with killer.connect() as other:
            other.execute(select(func.pg_terminate_backend(pid)))
        killer.dispose()
        with pytest.raises(DBAPIError) as raised:
            rows_together(session, _reads(things))
        assert raised.value.connection_invalidated
    with Session(engine) as session:  # the same pool of one: a new connection
        assert [row.id for row in rows_together(session, _reads(things))[0]] == [1, 3]


def test_a_statement_whose_sql_changes_per_execution_is_refused_on_postgres(store):
    backend, engine, things = store
    expanding = select(things.c.id).where(things.c.id.in_(bindparam("ids", expanding=True)))
    with Session(engine) as session:
        if backend == "postgres":
            with pytest.raises(ValueError, match="same on every execution"):
                rows_together(session, [(expanding, {"ids": [1, 2]}), (select(things.c.id), None)])
        else:
            assert [row.id for row in rows_together(session, [(expanding, {"ids": [1, 2]}),
                                                             (select(things.c.id), None)])[0]] == [1, 2]


def test_statements_built_per_call_are_not_kept_without_end(store, monkeypatch):
    from services.common import reads_together
    monkeypatch.setattr(reads_together, "KEPT_STATEMENTS", 4)
    backend, engine, things = store
    with Session(engine) as session:
        for number in range(10):  # a fresh statement each time, as a careless caller would pass
            fresh = select(things.c.id).where(things.c.id > number)
            assert [len(rows) for rows in rows_together(session, [(fresh, None), (select(things.c.kind), None)])] == [
                max(0, 3 - number), 3]
            if backend == "postgres":  # SQLite runs the statements as they come: nothing compiled is kept
                assert len(reads_together._COMPILED) <= 4
