"""One customer's journey as survey saw it: events, invitations (every decision with its reason),
responses, unsubscribe and erasure, in time order, in keyset pages.

The page is chosen in SQL from one ``UNION ALL`` of (time, kind rank, reference) rows, each branch
on an index by customer; only the rows of the page are then loaded in full. Entries at the same
instant keep the journey's natural order: event, invitation, response, unsubscribe, erasure.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError, NotFoundError
from services.common.types import UtcDateTime
from services.survey.invitations import decisions_of
from services.survey.models import Customer, Invitation, JourneyEvent, SurveyVersion
from services.survey.models.responses import Response
from services.survey.responding.downstream import response_record
from shared.contracts.invitations import InvitationSchema
from shared.contracts.journey import JourneyItemKind, invitation_outcome
from shared.json_policy import load_json
from shared.personal_data import Disclosure

#: The order of entries at the same instant.
RANKS = {JourneyItemKind.EVENT: 0, JourneyItemKind.INVITATION: 1, JourneyItemKind.RESPONSE: 2,
         JourneyItemKind.UNSUBSCRIBE: 3, JourneyItemKind.ERASURE: 4}
KINDS = {rank: kind for kind, rank in RANKS.items()}


@dataclass(frozen=True)
class JourneyPosition:
    """Where an entry sits in the journey's order."""

    at: datetime
    rank: int
    ref: str

    def cursor(self) -> str:
        """An opaque cursor after (or before, in descending pages) this entry."""
        raw = json.dumps([self.at.isoformat(), self.rank, self.ref]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def from_cursor(cls, cursor: str) -> JourneyPosition:
        """The position a cursor names (422 when it is not one this API gave out)."""
        try:
            stamp, rank, ref = load_json(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            moment = datetime.fromisoformat(stamp)
            if moment.tzinfo is None or not isinstance(rank, int) or rank not in KINDS or not isinstance(ref, str):
                raise ValueError("not a journey cursor")
            return cls(moment, rank, ref)
        except (ValueError, TypeError, binascii.Error) as exc:
            raise InvalidInputError("invalid cursor", errors={"cursor": ["not a cursor from a previous page"]}) from exc


def _positions(customer_id: str):
    """Every entry of the customer as (at, rank, ref): the union the pages are cut from."""
    def branch(at, kind: JourneyItemKind, ref, table, *where):
        return select(at.label("at"), literal(RANKS[kind]).label("rank"), ref.label("ref")).select_from(
            table).where(*where)

    answered = func.coalesce(Response.completed_at, Response.updated_at, type_=UtcDateTime)  # answered_at
    return union_all(
        branch(JourneyEvent.occurred_at, JourneyItemKind.EVENT, JourneyEvent.event_id, JourneyEvent,
               JourneyEvent.customer_id == customer_id),
        branch(Invitation.created_at, JourneyItemKind.INVITATION, cast(Invitation.id, String), Invitation,
               Invitation.customer_id == customer_id),
        branch(answered, JourneyItemKind.RESPONSE, Response.id, Response, Response.customer_id == customer_id),
        branch(Customer.unsubscribed_at, JourneyItemKind.UNSUBSCRIBE, Customer.id, Customer,
               Customer.id == customer_id, Customer.unsubscribed_at.is_not(None)),
        branch(Customer.erased_at, JourneyItemKind.ERASURE, Customer.id, Customer,
               Customer.id == customer_id, Customer.erased_at.is_not(None)),
    ).subquery("journey")


def journey_positions(session: Session, *, customer_id: str, order: str, limit: int,
                      cursor: str | None) -> tuple[list[JourneyPosition], str | None]:
    """One page of positions and the cursor of the next page (None on the last)."""
    journey = _positions(customer_id)
    at, rank, ref = journey.c.at, journey.c.rank, journey.c.ref
    descending = order == "desc"
    query = select(at, rank, ref).order_by(*(c.desc() if descending else c.asc() for c in (at, rank, ref)))
    if cursor:
        after = JourneyPosition.from_cursor(cursor)
        later = (at < after.at) if descending else (at > after.at)
        higher = (rank < after.rank) if descending else (rank > after.rank)
        beyond = (ref < after.ref) if descending else (ref > after.ref)
        query = query.where(or_(later, and_(at == after.at, or_(higher, and_(rank == after.rank, beyond)))))
    rows = session.execute(query.limit(limit + 1)).all()
    page = [JourneyPosition(row.at, row.rank, row.ref) for row in rows[:limit]]
    return page, (page[-1].cursor() if len(rows) > limit and page else None)


def describe_customer(customer: Customer | None, customer_id: str, disclosure: Disclosure) -> dict[str, Any]:
    """The customer block of a journey: contact details only for callers with personal-data access."""
    shown = disclosure.personal_access
    if customer is None:
        return {"id": customer_id, "known": False, "personal_data": shown, "attributes": {}}
    return {"id": customer.id, "known": True, "personal_data": shown,
            "email": customer.email if shown else None, "phone": customer.phone if shown else None,
            "locale": customer.locale if shown else None, "time_zone": customer.time_zone if shown else None,
            "attributes": disclosure.attributes(customer.attributes), "unsubscribed_at": customer.unsubscribed_at,
            "erased_at": customer.erased_at, "created_at": customer.created_at}


def _entries(session: Session, page: list[JourneyPosition], disclosure: Disclosure) -> list[dict[str, Any]]:
    refs: dict[int, set[str]] = {}
    for position in page:
        refs.setdefault(position.rank, set()).add(position.ref)
    events = {e.event_id: e for e in session.scalars(select(JourneyEvent).where(
        JourneyEvent.event_id.in_(refs.get(RANKS[JourneyItemKind.EVENT], set()))))}
    invitations = {str(i.id): i for i in session.scalars(select(Invitation).where(
        Invitation.id.in_([int(r) for r in refs.get(RANKS[JourneyItemKind.INVITATION], set())])))}
    responses = {r.id: r for r in session.scalars(select(Response).where(
        Response.id.in_(refs.get(RANKS[JourneyItemKind.RESPONSE], set()))))}
    entries = []
    for position in page:
        kind = KINDS[position.rank]
        entry: dict[str, Any] = {"kind": kind.value, "at": position.at}
        if kind is JourneyItemKind.EVENT:
            event = events[position.ref]
            entry["event"] = {"id": event.event_id, "type": event.type, "occurred_at": event.occurred_at,
                              "received_at": event.received_at, "customer_id": event.customer_id,
                              "attributes": disclosure.attributes(event.attributes)}
        elif kind is JourneyItemKind.INVITATION:
            invitation = invitations[position.ref]
            detail = {column: getattr(invitation, column) for column in InvitationSchema().fields}
            entry["invitation"] = {**detail, "decisions": decisions_of(session, invitation.id),
                                   "outcome": invitation_outcome(invitation.status)}
        elif kind is JourneyItemKind.RESPONSE:
            response = responses[position.ref]
            version = session.get(SurveyVersion, (response.survey_id, response.survey_version))
            record = response_record(response, version.definition if version else {"questions": []})
            entry["response"] = {**record, "attributes": disclosure.attributes(record["attributes"])}
        entries.append(entry)
    return entries


def customer_journey(session: Session, *, customer_id: str, disclosure: Disclosure, order: str = "asc",
                     limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """The customer and one page of their journey (``NotFoundError`` when survey knows nothing of them)."""
    customer = session.get(Customer, customer_id)
    page, next_cursor = journey_positions(session, customer_id=customer_id, order=order, limit=limit,
                                          cursor=cursor)
    if customer is None and not page and cursor is None:
        raise NotFoundError(f"no customer '{customer_id}'")
    return {"customer": describe_customer(customer, customer_id, disclosure), "order": order,
            "items": _entries(session, page, disclosure), "next_cursor": next_cursor}
