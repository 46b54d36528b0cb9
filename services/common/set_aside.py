"""Set-aside items: a worker job's per-item failure isolation.

A job that processes many items (journey events, invitations, subscriptions, fits) must not let one
item that fails every time stop the others. When an item fails, the job records it here with the
reason and goes on; its queries leave out items with an open row (``not_set_aside``), so nothing
waits on a poisoned item. Operators list them (``GET /v1/set-aside``, ``flask set-aside list``) and
release them once the cause is fixed (``POST /v1/set-aside/release``, ``flask set-aside release``):
a released item is simply picked up again by its job's next pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar, cast

from prometheus_client import Counter
from sqlalchemy import ColumnElement, Connection, CursorResult, Result, exists, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.common.tables import PlatformTables

log = logging.getLogger("cxloop.set_aside")
SET_ASIDE = Counter("cx_items_set_aside_total", "Work items a worker job set aside after a failure",
                    ["service", "kind"])
T = TypeVar("T")
# Failures of the database itself (connection lost, deadlock victim, serialization) say nothing about
# the item: they abort the pass and the item is tried again, never set aside.
TRANSIENT = (OperationalError, InterfaceError)


def set_aside(session: Session | Connection, tables: PlatformTables, *, service: str, kind: str,
              item_key: str, problem: BaseException | str, now: datetime) -> None:
    """Record that ``item_key`` of ``kind`` failed (inside the caller's transaction; never commits)."""
    table = tables.set_aside
    reason = (problem if isinstance(problem, str) else f"{type(problem).__name__}: {problem}")[:2000]
    key = str(item_key)[:200]
    row = session.execute(select(table.c.id, table.c.failures)
                          .where(table.c.kind == kind, table.c.item_key == key)).first()
    if row is None:
        session.execute(insert(table).values(kind=kind, item_key=key, reason=reason, failures=1,
                                             first_failed_at=now, last_failed_at=now))
    else:
        session.execute(update(table).where(table.c.id == row.id).values(
            reason=reason, failures=row.failures + 1, last_failed_at=now, released_at=None))
    SET_ASIDE.labels(service, kind).inc()
    log.warning("work item set aside", extra={"job": kind, "item": key})


def not_set_aside(tables: PlatformTables, kind: str,
                  key_column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """A WHERE clause leaving out the items of ``kind`` that are set aside and not released."""
    table = tables.set_aside
    return ~exists().where(table.c.kind == kind, table.c.released_at.is_(None),
                           table.c.item_key == key_column)


def isolate(session: Session, tables: PlatformTables, items: Iterable[T], work: Callable[[T], object], *,
            service: str, kind: str, key: Callable[[T], object], now: datetime) -> list[T]:
    """Run ``work`` on each item inside its own savepoint; set failing items aside. Returns the failures.

    For a job's careful pass: after its fast all-in-one-transaction pass failed, it runs the same
    items through here so that only the item that fails is held back.
    """
    failed: list[T] = []
    for item in items:
        try:
            with session.begin_nested():
                work(item)
                session.flush()
        except TRANSIENT:
            raise
        except Exception as exc:  # each item fails on its own, whatever the cause
            failed.append(item)
            set_aside(session, tables, service=service, kind=kind, item_key=str(key(item)), problem=exc, now=now)
    return failed


def release_item(session: Session | Connection, tables: PlatformTables, *, kind: str, item_key: str,
                 now: datetime) -> int:
    """Give one item back to its job (for example once its owner has changed it)."""
    table = tables.set_aside
    statement = update(table).where(table.c.kind == kind, table.c.item_key == str(item_key),
                                    table.c.released_at.is_(None)).values(released_at=now)
    return _changed(session.execute(statement))


def list_set_aside(session: Session | Connection, tables: PlatformTables, *, kind: str | None = None,
                   include_released: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """Set-aside items, oldest first (open ones only unless ``include_released``)."""
    table = tables.set_aside
    query = select(table).order_by(table.c.id).limit(limit)
    if kind is not None:
        query = query.where(table.c.kind == kind)
    if not include_released:
        query = query.where(table.c.released_at.is_(None))
    return [dict(row._mapping) for row in session.execute(query)]


def release(session: Session | Connection, tables: PlatformTables, *, now: datetime,
            ids: Iterable[int] | None = None) -> int:
    """Give set-aside items (all open ones, or the given ids) back to their jobs."""
    table = tables.set_aside
    condition: ColumnElement[bool] = table.c.released_at.is_(None)
    if ids is not None:
        condition = condition & table.c.id.in_(list(ids))
    return _changed(session.execute(update(table).where(condition).values(released_at=now)))


def _changed(result: Result[Any]) -> int:
    """Rows an UPDATE changed (its result is a CursorResult, whatever the session's annotation says)."""
    return cast(CursorResult[Any], result).rowcount or 0
