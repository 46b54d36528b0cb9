"""Erasure of a customer's attributes from the stored low-score signals, and of their text from their
cases (``POST /v1/erasures``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.notifier.cases.erasure import erase_case_text
from services.notifier.models.alerts import Signal

_CHUNK = 500


def erase_signal_attributes(session: Session, *, customer_id: str, response_ids: Sequence[str]) -> int:
    """Clear the attribute copies of the customer's signals (by response id and by customer), and the
    comment, answers and notes of their cases (``cases.erasure``).

    Idempotent: returns how many signals and cases still held any of it (0 when repeated). Commits once.
    """
    by_customer = Signal.payload["customer_id"].as_string() == customer_id
    ids = list(response_ids)
    conditions = [by_customer] + [Signal.response_id.in_(ids[i:i + _CHUNK]) for i in range(0, len(ids), _CHUNK)]
    changed = 0
    for signal in session.scalars(select(Signal).where(or_(*conditions)).with_for_update()):
        if (signal.payload or {}).get("attributes"):
            signal.payload = {**signal.payload, "attributes": {}}
            changed += 1
    changed += erase_case_text(session, customer_id=customer_id, response_ids=ids)
    session.commit()
    return changed
