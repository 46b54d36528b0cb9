"""Several independent SELECTs of columns read in one go: on PostgreSQL, one pipeline.

A page-sized read (the trigger editor's: the trigger, the surveys it can ask, the event types seen, the
latest events of its type) is four or five small statements that do not depend on each other's rows.
One after another, each waits for its own round trip to the server; psycopg 3's pipeline mode sends
them all and waits once (measured here on the trigger editor's statements: 1.45 ms one by one through
SQLAlchemy, 0.5 ms in one pipeline). SQLAlchemy does not drive pipelines, so on PostgreSQL the
statements are compiled by SQLAlchemy once, sent on the session's own connection (its transaction,
if one is open), and each value goes through the column type's result processing (``UtcDateTime``
and all), which is what SQLAlchemy itself does to a row. Errors come out as SQLAlchemy's errors, and a
connection the server dropped is invalidated, as SQLAlchemy does it. Elsewhere (SQLite) the statements
run one after another. Either way each statement's rows come back as named tuples of its columns.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import SelectBase
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from services.common.db import column_rows

Read = tuple[SelectBase, Mapping[str, Any] | None]  # a SELECT (or UNION) of columns, and its parameters


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]
    binds: Mapping[str, Callable[[Any], Any] | None]
    row: Any  # the named tuple of the statement's columns


_ROW_TYPES: dict[tuple[str, ...], Any] = {}
KEPT_STATEMENTS = 256  # compiled forms kept; callers pass statements built once, so a few dozen at most
_COMPILED: dict[tuple[int, str], tuple[SelectBase, _Compiled]] = {}
_PROCESSORS: dict[tuple[int, str, tuple[Any, ...]], list[Callable[[Any], Any] | None]] = {}


def row_type(statement: SelectBase) -> Any:
    """The named tuple of ``statement``'s columns (one class per list of column names)."""
    names = tuple(str(column.key or "") for column in statement.selected_columns)
    if names not in _ROW_TYPES:  # a column without a name (count(*)) is read by position: "_1" and so on
        _ROW_TYPES[names] = namedtuple("ColumnRow", names, rename=True)  # noqa: PYI024 - fields known only here
    return _ROW_TYPES[names]


def rows_together(session: Session, reads: Sequence[Read]) -> list[list[Any]]:
    """The rows of each read (a SELECT of columns and its parameters), in the order given; on PostgreSQL
    (psycopg) in one pipeline, else one after another. The statements must not depend on each other's
    rows; they see the session's transaction (or, after ``reads_without_transaction``, each its own)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg" or len(reads) < 2:
        return [[row_type(statement)._make(row) for row in column_rows(session, statement, params)]
                for statement, params in reads]
    dialect = connection.dialect
    compiled = [_compiled(statement, dialect) for statement, _ in reads]
    driver = connection.connection.driver_connection
    assert driver is not None
    cursors = []
    try:
        with driver.pipeline():
            for (_statement, params), made in zip(reads, compiled, strict=True):
                cursor = driver.cursor()
                cursor.execute(made.sql, _bound(made, params))
                cursors.append(cursor)
        return [_rows(statement, made, cursor, dialect) for (statement, _), made, cursor
                in zip(reads, compiled, cursors, strict=True)]
    except dialect.loaded_dbapi.Error as error:
        dropped = dialect.is_disconnect(error, driver, None)
        if dropped:  # the pool makes a new connection for the next session, as after any statement
            connection.invalidate(error)
        raise DBAPIError.instance("; ".join(made.sql for made in compiled), None, error,
                                  dialect.loaded_dbapi.Error, hide_parameters=True,
                                  connection_invalidated=dropped, dialect=dialect, ismulti=False) from error
    finally:
        for cursor in cursors:
            cursor.close()


def _compiled(statement: SelectBase, dialect: Dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    known = _COMPILED.get(key)
    if known is not None and known[0] is statement:
        return known[1]
    compiled = statement.compile(dialect=dialect)
    sql = str(compiled)
    if "POSTCOMPILE" in sql:  # an expanding IN or a literal rendered per execution
        raise ValueError("rows_together takes statements whose SQL is the same on every execution")
    binds = {bind.key: bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in compiled.binds.values()}
    made = _Compiled(sql=sql, defaults=dict(compiled.params), binds=binds, row=row_type(statement))
    if len(_COMPILED) >= KEPT_STATEMENTS:  # a caller building statements per call: kept, but not without end
        _COMPILED.clear()
        _PROCESSORS.clear()
    _COMPILED[key] = (statement, made)  # the statement kept, so its id is not reused by another
    return made


def _bound(made: _Compiled, params: Mapping[str, Any] | None) -> dict[str, Any]:
    values = {**made.defaults, **(params or {})}
    bound = {}
    for name, value in values.items():
        process = made.binds.get(name)
        bound[name] = process(value) if process is not None else value
    return bound


def _rows(statement: SelectBase, made: _Compiled, cursor: Any, dialect: Dialect) -> list[Any]:
    codes = tuple(described.type_code for described in cursor.description)
    key = (id(statement), dialect.name, codes)  # the statement is kept by _COMPILED, so its id stays its own
    processors = _PROCESSORS.get(key)
    if processors is None:
        processors = _PROCESSORS[key] = [
            column.type.dialect_impl(dialect).result_processor(dialect, code)
            for column, code in zip(statement.selected_columns, codes, strict=True)]
    rows = cursor.fetchall()
    if not any(processors):
        return [made.row._make(row) for row in rows]
    return [made.row._make([process(value) if process else value for process, value in zip(processors, row, strict=True)])
            for row in rows]
