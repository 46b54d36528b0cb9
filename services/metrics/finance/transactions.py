"""Use cases: store a JSON batch of transactions, or import a CSV file of any size, all or nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.finance.csv_rows import CsvHeaderError, read_transactions
from services.metrics.finance.staging import (
    MAX_REPORTED_PROBLEMS,
    STAGE_CHUNK_ROWS,
    IngestResult,
    chunked,
    move_staged,
    stage,
    staged_row,
    staging_problems,
)


def add_transactions(session: Session, *, transactions: list[dict], now: datetime) -> IngestResult:
    """Store validated transactions (idempotent by id); any problem rejects the whole batch (422).

    Problems are reported by position in the ``transactions`` array.
    """
    import_id = uuid.uuid4().hex
    for rows in chunked(staged_row(import_id, index, row) for index, row in enumerate(transactions)):
        stage(session, rows)
    problems = staging_problems(session, import_id, len(transactions))
    if problems:
        session.rollback()
        raise InvalidInputError(
            f"{len(problems)} transaction(s) rejected; nothing was stored",
            errors={"transactions": {str(index): {"id": messages} for index, messages in problems.items()}})
    result = move_staged(session, import_id, received=len(transactions), now=now)
    session.commit()
    return result


def import_transactions_csv(session: Session, *, stream: BinaryIO, now: datetime, progress=None) -> IngestResult:
    """Import a transactions CSV streamed from ``stream``; the whole file is stored or nothing is.

    Columns: ``id, customer_id, occurred_at, amount, currency`` and optionally ``segment``;
    further columns become attributes. A rejected file raises ``InvalidInputError`` whose errors
    list at most the first 100 problems as ``{"lines": {"<line>": [reasons]}}``.
    ``progress(n_bytes)`` is called as the stream is read.
    """
    import_id = uuid.uuid4().hex
    problems: dict[str, list[str]] = {}
    pending: list[dict] = []
    received = 0
    try:
        for row in read_transactions(stream, progress):
            if row.problems:
                problems[str(row.line)] = row.problems
                if len(problems) >= MAX_REPORTED_PROBLEMS:
                    break
                continue
            received += 1
            if problems:
                continue  # already rejected: keep looking for problems, stage nothing more
            pending.append(staged_row(import_id, row.line, row.values))
            if len(pending) >= STAGE_CHUNK_ROWS:
                stage(session, pending)
                pending = []
    except CsvHeaderError as error:
        session.rollback()
        raise InvalidInputError(f"the CSV header is not usable: {error}", errors={"lines": {"1": [str(error)]}}) from None
    if not problems:
        stage(session, pending)
        problems = {str(line): messages for line, messages in staging_problems(session, import_id, received).items()}
    if problems:
        session.rollback()
        shown = dict(list(problems.items())[:MAX_REPORTED_PROBLEMS])
        raise InvalidInputError(f"the file was rejected; nothing was stored; first {len(shown)} problem(s) listed",
                                errors={"lines": shown})
    if received == 0:
        session.rollback()
        raise InvalidInputError("the file has no data rows", errors={"lines": {}})
    result = move_staged(session, import_id, received=received, now=now)
    session.commit()
    return result
