"""Engine and sessions: one engine per app, one session per request, closed on teardown."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Unpack

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, Result, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from services.common.config import normalise_database_url


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys, PostgreSQL psycopg 3.

    SQL parameters never appear in errors or logs (``hide_parameters``): they hold webhook secrets,
    addresses and answers.
    """
    kwargs["hide_parameters"] = True
    if url.startswith("sqlite"):
        path = make_url(url).database  # None or "" for an in-memory database ("sqlite://")
        if path and path != ":memory:" and not path.startswith("file:"):
            create_private_file(Path(path))
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip on every checkout (measured: one of ~6 per ingested
    # event). A connection broken by a database restart is invalidated on its first error instead,
    # and recycled every few minutes anyway.
    kwargs.setdefault("pool_recycle", 300)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def create_private_file(path: Path) -> None:
    """Make ``path`` readable by its owner only (0600; a new folder 0700) before anything writes to it.

    SQLite gives its -wal and -shm files the mode of the database file.
    """
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
    status = path.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():  # an older, world-readable file
        path.chmod(0o600)


# The execution option ``reads_without_transaction`` sets on a SQLite connection.
_READS_ONLY = "cx_reads_only"


def _sqlite_begin(connection: Connection) -> None:
    """pysqlite defers BEGIN until the first write, which breaks SAVEPOINTs and makes reads
    non-transactional; SQLAlchemy emits BEGIN itself (the documented recipe). IMMEDIATE takes the write
    lock at once, so concurrent writers queue on busy_timeout instead of failing with SQLITE_BUSY when a
    read transaction tries to upgrade (one node, short transactions). A read that asked for no
    transaction (``reads_without_transaction``) begins DEFERRED instead: in WAL mode it reads a snapshot
    without the write lock, so it neither waits for writers nor holds them up."""
    reads_only = connection.get_execution_options().get(_READS_ONLY)
    connection.exec_driver_sql("BEGIN DEFERRED" if reads_only else "BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    dbapi_connection.isolation_level = None


def create_database(server_url: str, prefix: str) -> str:
    """Create an empty, uniquely named database on a PostgreSQL server and return its URL.

    For throwaway clusters (tests, benchmarks): the name is ``<prefix>_<random hex>``.
    """
    server_url = normalise_database_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def statement_connection(session: Session) -> Iterator[Connection]:
    """A connection for one self-contained statement that commits as it runs.

    Served by an autocommit connection from the session's engine: the statement is its own
    transaction, one round trip instead of three (BEGIN, statement, COMMIT). When the session is
    bound to an outer connection (tests roll theirs back), the session's own connection serves and
    its commit stands in for autocommit.
    """
    bind = session.get_bind()
    if isinstance(bind, Engine):
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection
        return
    yield session.connection()
    session.commit()


def is_postgres(engine_or_session) -> bool:
    """True when the bind is PostgreSQL (claims then use SKIP LOCKED)."""
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "postgresql"


def reads_without_transaction(session: Session) -> None:
    """For a read made of independent parts that need no common snapshot (an editor's choices): on
    PostgreSQL the session's connection runs in autocommit, each SELECT its own transaction, which saves
    the BEGIN and ROLLBACK round trips of the request. On SQLite its transaction begins DEFERRED instead
    of taking the write lock (``_sqlite_begin``): the read waits for no writer. Only for sessions that do
    not write. Call it before the session's first statement; later it changes nothing."""
    if not isinstance(session.get_bind(), Engine) or session.in_transaction():
        return
    if is_postgres(session):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    else:
        session.connection(execution_options={_READS_ONLY: True})


def column_rows(session: Session, statement: Any, params: Mapping[str, Any] | None = None) -> Result[Unpack[tuple[Any, ...]]]:
    """Run a SELECT of columns (not of mapped objects) on the session's connection, in its transaction:
    the rows ``session.execute`` gives, without the ORM's pass over the statement and its result (about
    50 microseconds a statement here). No autoflush: for reads that do not depend on changes still
    pending in the session."""
    return session.connection().execute(statement, params)


def prefer_set_joins(session: Session) -> None:
    """For an analytic read that joins a ranked subquery (each customer's latest answer) to big tables:
    on PostgreSQL, no nested loops for the rest of this transaction. A table just filled and not yet
    analyzed looks empty to the planner, which then re-ranks the whole subquery once per outer row
    (minutes instead of milliseconds); hash and merge joins rank it once whatever the statistics say."""
    if is_postgres(session):
        session.execute(text("SET LOCAL enable_nestloop = off"))


class Database:
    """The Flask extension holding the engine and the session factory."""

    def __init__(self, app: Flask | None = None, *, engine: Engine | None = None,
                 bind: Connection | None = None) -> None:
        """``bind``: run every session inside this connection's transaction (tests roll it back)."""
        self.engine: Engine | None = bind.engine if bind is not None else engine
        self.bind = bind
        self.session_factory: sessionmaker[Session] | None = None
        self.gets_without_transaction = False
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Build the engine from ``DATABASE_URL`` (unless one was given) and register teardown."""
        if self.bind is not None:
            self.session_factory = sessionmaker(bind=self.bind, expire_on_commit=False,
                                                join_transaction_mode="create_savepoint")
        else:
            if self.engine is None:
                self.engine = make_engine(app.config["DATABASE_URL"])
            self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        app.extensions["db"] = self
        app.teardown_appcontext(_close_session)

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        assert self.session_factory is not None
        with self.session_factory() as session:
            session.execute(text("SELECT 1"))


def get_session() -> Session:
    """The request's session, created on first use (for a GET or HEAD of an app that asked for
    ``gets_without_transaction``, without a transaction: see that function)."""
    if "db_session" not in g:
        database: Database = current_app.extensions["db"]
        assert database.session_factory is not None
        g.db_session = session = database.session_factory()
        if database.gets_without_transaction and has_request_context() and request.method in ("GET", "HEAD"):
            reads_without_transaction(session)
    return g.db_session


def gets_without_transaction(app: Flask) -> None:
    """For an app whose GET and HEAD requests only read (the console's pages): ``reads_without_transaction``
    on the request's session when it is made. On PostgreSQL their statements run without BEGIN and
    ROLLBACK, each reading what is committed; on SQLite they read without taking the write lock. A write
    made by such a request anyway would commit statement by statement on PostgreSQL and could find the
    database busy on SQLite: keep writes in POST handlers."""
    database: Database = app.extensions["db"]
    database.gets_without_transaction = True


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
