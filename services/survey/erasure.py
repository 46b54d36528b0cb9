"""Erasure beyond the customer row: response snapshots, queued payloads, and the other services.

Called by ``customers.erase_customer`` inside its transaction (never commits). The customer's
responses lose their attribute snapshot; every outbox message about them (pending or already
delivered) loses its copy too, so a retry cannot bring the values back; and one ``erasure`` message
per destination (per ``MAX_ERASURE_RESPONSES`` responses) tells metrics and notifier to erase their
copies. The receivers' erasure is idempotent, so a redelivered message is harmless.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from services.common.outbox import enqueue
from services.survey.models import PLATFORM, Invitation
from services.survey.models.responses import Response, ResponseNote
from shared.contracts.erasure import MAX_ERASURE_RESPONSES, ErasureSchema

ERASURE_TOPIC = "erasure"
ERASURE_DESTINATIONS = ("metrics", "notifier")
_MESSAGE = ErasureSchema()


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _scrub_outbox(session: Session, response_ids: Sequence[str]) -> int:
    """Drop the attribute copies from every outbox message about these responses."""
    box, scrubbed = PLATFORM.outbox, 0
    for chunk in _chunks(response_ids, 500):
        about = or_(box.c.ordering_key.in_([f"response:{r}" for r in chunk]),
                    box.c.idempotency_key.in_([f"signal:{r}" for r in chunk]),
                    box.c.ordering_key.in_([f"signal:{r}" for r in chunk]))  # corrections too
        for row in session.execute(select(box.c.id, box.c.payload).where(about).with_for_update()):
            if isinstance(row.payload, dict) and row.payload.get("attributes"):
                session.execute(update(box).where(box.c.id == row.id)
                                .values(payload={**row.payload, "attributes": {}}))
                scrubbed += 1
    return scrubbed


def erase_everywhere(session: Session, *, customer_id: str, now: datetime) -> list[str]:
    """Erase the customer's response snapshots here and queue the erasure for the other services.

    Returns the ids of the customer's responses.
    """
    response_ids = list(session.scalars(select(Response.id).where(Response.customer_id == customer_id)
                                        .order_by(Response.id)))
    session.execute(update(Response).where(Response.customer_id == customer_id).values(attributes={}))
    # the team's notes on these responses may name the customer: they go too
    session.execute(delete(ResponseNote).where(ResponseNote.response_id.in_(
        select(Response.id).where(Response.customer_id == customer_id))))
    session.execute(update(Invitation).where(Invitation.customer_id == customer_id)
                    .values(correlation_value=None))
    _scrub_outbox(session, response_ids)
    digest = hashlib.sha256(customer_id.encode()).hexdigest()[:32]
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    for index, chunk in enumerate(_chunks(response_ids, MAX_ERASURE_RESPONSES) if response_ids else [[]]):
        payload = _MESSAGE.dump({"customer_id": customer_id, "response_ids": chunk, "erased_at": now})
        for destination in ERASURE_DESTINATIONS:
            enqueue(session, PLATFORM, topic=ERASURE_TOPIC, destination=destination, payload=payload, now=now,
                    idempotency_key=f"erasure:{destination}:{digest}:{stamp}:{index}")
    return response_ids
