"""A customer's erasure reaches their cases: the comment, the answers and every history text go."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.notifier.models.cases import Case, CaseEvent

_CHUNK = 500


def erase_case_text(session: Session, *, customer_id: str, response_ids: Sequence[str]) -> int:
    """Clear what the customer wrote or answered in their cases (by customer and by response id), and the
    notes people wrote about them. Idempotent: returns how many cases still held any of it. Never commits."""
    ids = list(response_ids)
    conditions = [Case.customer_id == customer_id] + [Case.response_id.in_(ids[i:i + _CHUNK])
                                                      for i in range(0, len(ids), _CHUNK)]
    changed = 0
    for case in session.scalars(select(Case).where(or_(*conditions)).with_for_update()):
        noted = session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.text.is_not(None)).limit(1))
        if case.comment is not None or case.answers or noted is not None:
            changed += 1
        case.comment, case.answers = None, []
        session.execute(update(CaseEvent).where(CaseEvent.case_id == case.id).values(text=None))
    return changed
