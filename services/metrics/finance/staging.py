"""All-or-nothing ingestion of transactions through a staging table keyed by import id.

Rows of one batch or file are staged, checked in SQL (ids repeated within the import, ids
already stored with different values), then moved to ``transactions`` with one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING``, all inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, delete, func, insert, literal, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.metrics.models.finance import Transaction, TransactionStaging

EPOCH = date(1970, 1, 1)
STAGE_CHUNK_ROWS = 5000
MAX_REPORTED_PROBLEMS = 100
_COLUMNS = ("id", "customer_id", "occurred_at", "purchase_day", "amount", "currency", "segment", "attributes")


@dataclass(frozen=True)
class IngestResult:
    """Rows received, newly stored, and already present (same id, same values)."""

    received: int
    inserted: int
    already_present: int


def staged_row(import_id: str, line: int, row: dict) -> dict:
    """A staging row from a validated transaction (``occurred_at`` an aware datetime)."""
    moment: datetime = row["occurred_at"]
    return {"import_id": import_id, "line": line, "id": row["id"], "customer_id": row["customer_id"],
            "occurred_at": moment.astimezone(UTC), "purchase_day": (moment.date() - EPOCH).days,
            "amount": row["amount"], "currency": row["currency"], "segment": row.get("segment"),
            "attributes": row.get("attributes") or {}}


def stage(session: Session, rows: list[dict]) -> None:
    """Insert staging rows (Core executemany)."""
    if rows:
        session.execute(insert(TransactionStaging.__table__), rows)


ANALYZE_FROM_ROWS = 1000  # below this even a nested loop is quick, and ANALYZE would cost more


def _refresh_statistics(session: Session, staged_rows: int) -> None:
    """Let PostgreSQL's planner see the rows just staged (inside this transaction; cheap for one file).

    Its statistics usually describe an empty staging table, and the joins below were then planned as
    nested loops over seq scans: quadratic in the file's size, minutes for 30,000 lines on a table
    bloated by earlier imports. SQLite plans by its indexes alone and needs nothing.
    """
    if staged_rows >= ANALYZE_FROM_ROWS and session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {TransactionStaging.__tablename__}"))


def staging_problems(session: Session, import_id: str, staged_rows: int) -> dict[int, list[str]]:
    """Lines whose id repeats an earlier line, or names a stored transaction with other values."""
    _refresh_statistics(session, staged_rows)
    staged = TransactionStaging.__table__.alias("s")
    twin = TransactionStaging.__table__.alias("t")
    problems: dict[int, list[str]] = {}
    repeats = session.execute(
        select(staged.c.line, staged.c.id, func.min(twin.c.line))
        .join(twin, and_(twin.c.import_id == staged.c.import_id, twin.c.id == staged.c.id,
                         twin.c.line < staged.c.line))
        .where(staged.c.import_id == import_id)
        .group_by(staged.c.line, staged.c.id).order_by(staged.c.line).limit(MAX_REPORTED_PROBLEMS))
    for line, tx_id, first in repeats:
        problems.setdefault(line, []).append(f"id {tx_id!r} repeats line {first}")
    stored = Transaction.__table__
    clashes = session.execute(
        select(staged.c.line, staged.c.id).join(stored, stored.c.id == staged.c.id)
        .where(staged.c.import_id == import_id,
               or_(stored.c.customer_id != staged.c.customer_id, stored.c.amount != staged.c.amount,
                   stored.c.currency != staged.c.currency, stored.c.purchase_day != staged.c.purchase_day,
                   stored.c.occurred_at != staged.c.occurred_at))
        .order_by(staged.c.line).limit(MAX_REPORTED_PROBLEMS))
    for line, tx_id in clashes:
        problems.setdefault(line, []).append(
            f"id {tx_id!r} is already stored with a different customer, time, amount or currency")
    return dict(sorted(problems.items())[:MAX_REPORTED_PROBLEMS])


def move_staged(session: Session, import_id: str, *, received: int, now: datetime) -> IngestResult:
    """Copy staged rows whose id is new into ``transactions`` and clear the staging rows."""
    staged = TransactionStaging.__table__
    source = select(*(staged.c[name] for name in _COLUMNS), literal(now, Transaction.__table__.c.received_at.type)) \
        .where(staged.c.import_id == import_id)
    stored = Transaction.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(stored).from_select([*_COLUMNS, "received_at"], source) \
        .on_conflict_do_nothing(index_elements=["id"]).returning(stored.c.id)
    # Counted from what the insert returns (rowcount of INSERT ... SELECT is not reported by every
    # driver). A separate NOT EXISTS count once met stale statistics right after a large import in
    # the same transaction and was planned as a nested loop over both tables (minutes for 30,000 rows).
    if dialect is postgresql:
        inserted = session.execute(select(func.count()).select_from(statement.cte("added"))).scalar_one()
    else:
        inserted = sum(1 for _ in session.execute(statement))
    session.execute(delete(staged).where(staged.c.import_id == import_id))
    return IngestResult(received=received, inserted=inserted, already_present=received - inserted)


def chunked(rows: Iterable[dict], size: int = STAGE_CHUNK_ROWS) -> Iterable[list[dict]]:
    """Lists of at most ``size`` rows."""
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
