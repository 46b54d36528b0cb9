"""Erasure of a customer's attributes from every copy metrics holds (``POST /v1/erasures``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.metrics.models.finance import Contract, Transaction, TransactionStaging
from services.metrics.models.responses import ResponseComment, ResponseRecord, ScoreAnswer

_CHUNK = 500


def erase_customer_copies(session: Session, *, customer_id: str, response_ids: Sequence[str]) -> int:
    """Clear the attributes of the customer's responses (by id and by customer) and finance rows.

    Ids, scores and answers stay. Idempotent: returns how many responses still held attributes (0
    when repeated). Commits once.
    """
    ids = set(response_ids) | set(session.scalars(
        select(ResponseRecord.response_id).where(ResponseRecord.customer_id == customer_id)))
    ordered, changed = sorted(ids), 0
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        held = session.execute(select(ResponseRecord.response_id, ResponseRecord.attributes)
                               .where(ResponseRecord.response_id.in_(chunk))).all()
        changed += sum(1 for row in held if row.attributes)
        for model in (ResponseRecord, ScoreAnswer, ResponseComment):
            session.execute(update(model).where(model.response_id.in_(chunk)).values(attributes={}))
    for model in (Transaction, TransactionStaging, Contract):
        session.execute(update(model).where(model.customer_id == customer_id).values(attributes={}))
    session.commit()
    return changed
