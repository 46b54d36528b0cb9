"""One customer's journey: what happened to them in survey (events, invitations with every decision and
its reason, responses, unsubscribe, erasure) and what metrics knows of their value (transactions,
contracts, CLV and probability alive).

``GET /v1/customers/{id}/journey`` (survey) pages the survey side in time order;
``GET /v1/customers/{id}/summary`` (metrics) gives the money side. The console draws both as one timeline.
"""

from __future__ import annotations

from enum import StrEnum

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.clv import ClvCustomerSchema
from shared.contracts.events import StoredEventSchema
from shared.contracts.fields import Timestamp
from shared.contracts.invitations import InvitationDetailSchema
from shared.contracts.responses import ResponseRecordSchema
from shared.statuses import InvitationStatus, values

MAX_PAGE = 200
CURSOR_MAX_LENGTH = 400


class JourneyItemKind(StrEnum):
    """What one entry of a customer's journey is."""

    EVENT = "event"
    INVITATION = "invitation"
    RESPONSE = "response"
    UNSUBSCRIBE = "unsubscribe"
    ERASURE = "erasure"


class InvitationOutcome(StrEnum):
    """An invitation's status in the words of a journey: sent, skipped, postponed, cancelled ..."""

    SCHEDULED = "scheduled"
    POSTPONED = "postponed"
    SENT = "sent"
    ANSWERED = "answered"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"


#: Every invitation status grouped as an outcome (a contract test checks that none is missing).
INVITATION_OUTCOMES: dict[str, InvitationOutcome] = {
    InvitationStatus.SCHEDULED: InvitationOutcome.SCHEDULED,
    InvitationStatus.POSTPONED: InvitationOutcome.POSTPONED,
    InvitationStatus.SENT: InvitationOutcome.SENT,
    InvitationStatus.RESPONDED: InvitationOutcome.ANSWERED,
    InvitationStatus.SUPPRESSED: InvitationOutcome.SKIPPED,
    InvitationStatus.SAMPLED_OUT: InvitationOutcome.SKIPPED,
    InvitationStatus.UNSUBSCRIBED: InvitationOutcome.SKIPPED,
    InvitationStatus.UNDELIVERABLE: InvitationOutcome.SKIPPED,
    InvitationStatus.CANCELLED: InvitationOutcome.CANCELLED,
    InvitationStatus.EXPIRED: InvitationOutcome.CANCELLED,
    InvitationStatus.FAILED: InvitationOutcome.FAILED,
}


def invitation_outcome(status: str) -> str:
    """The journey outcome of an invitation status (unknown statuses pass through)."""
    outcome = INVITATION_OUTCOMES.get(status)
    return status if outcome is None else outcome.value


class JourneyArgsSchema(StrictSchema):
    """A page of one customer's journey: oldest first (``order=asc``) or newest first (``desc``)."""

    order = fields.String(load_default="asc", validate=validate.OneOf(["asc", "desc"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = fields.String(load_default=None, validate=validate.Length(max=CURSOR_MAX_LENGTH),
                           metadata={"description": "``next_cursor`` of the previous page (same order)"})


class JourneyCustomerSchema(ReplySchema):
    """The customer a journey belongs to; contact details and personal attributes only for roles with
    personal-data access (``personal_data`` says whether they were shown)."""

    id = fields.String(required=True)
    known = fields.Boolean(required=True, metadata={"description": "false: only answers name this customer"})
    personal_data = fields.Boolean(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    locale = fields.String(allow_none=True)
    time_zone = fields.String(allow_none=True)
    attributes = fields.Dict()
    unsubscribed_at = fields.DateTime(allow_none=True)
    erased_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


class JourneyInvitationSchema(InvitationDetailSchema):
    """An invitation with every decision and its reason, and its outcome in journey words."""

    outcome = fields.String(required=True, validate=validate.OneOf([*values(InvitationOutcome),
                                                                     *values(InvitationStatus)]))


class JourneyItemSchema(ReplySchema):
    """One entry: ``kind`` says which of ``event``, ``invitation``, ``response`` is filled; ``at`` places
    it (an event's occurrence, an invitation's creation, a response's answer time, an unsubscribe or
    erasure)."""

    kind = fields.String(required=True, validate=validate.OneOf(values(JourneyItemKind)))
    at = fields.DateTime(required=True)
    event = fields.Nested(StoredEventSchema, allow_none=True)
    invitation = fields.Nested(JourneyInvitationSchema, allow_none=True)
    response = fields.Nested(ResponseRecordSchema, allow_none=True)


class JourneyPageSchema(ReplySchema):
    """The customer and one page of their journey; pass ``next_cursor`` as ``cursor`` for the next page."""

    customer = fields.Nested(JourneyCustomerSchema, required=True)
    order = fields.String(required=True)
    items = fields.List(fields.Nested(JourneyItemSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class CustomerSummaryArgsSchema(StrictSchema):
    """How many of the customer's transactions to list, newest first, and from where."""

    until = Timestamp(data_key="to", load_default=None,
                      metadata={"description": "only transactions before this time (exclusive)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = fields.String(load_default=None, validate=validate.Length(max=CURSOR_MAX_LENGTH))


class CustomerTransactionSchema(ReplySchema):
    """One purchase (positive) or refund (negative)."""

    id = fields.String(required=True)
    occurred_at = fields.DateTime(required=True)
    amount = fields.Float(required=True)
    currency = fields.String(required=True)
    segment = fields.String(allow_none=True)
    attributes = fields.Dict()


class CurrencyTotalSchema(ReplySchema):
    """The customer's transactions in one currency: count and net amount (refunds subtracted)."""

    currency = fields.String(required=True)
    count = fields.Integer(required=True)
    net_amount = fields.Float(required=True)
    first_at = fields.DateTime(required=True)
    last_at = fields.DateTime(required=True)


class CustomerContractSchema(ReplySchema):
    """One subscription; ``ended_at`` null while active."""

    id = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(allow_none=True)
    plan = fields.String(allow_none=True)
    recurring_value = fields.Float(required=True)
    currency = fields.String(required=True)
    segment = fields.String(allow_none=True)
    attributes = fields.Dict()


class CustomerSummarySchema(ReplySchema):
    """What metrics knows of one customer's value: totals and a page of transactions (newest first),
    every contract, and CLV with probability alive (null with ``clv_unavailable`` saying why)."""

    customer_id = fields.String(required=True)
    totals = fields.List(fields.Nested(CurrencyTotalSchema), required=True)
    transactions = fields.List(fields.Nested(CustomerTransactionSchema), required=True)
    next_cursor = fields.String(allow_none=True)
    contracts = fields.List(fields.Nested(CustomerContractSchema), required=True)
    clv = fields.Nested(ClvCustomerSchema, allow_none=True)
    clv_unavailable = fields.String(allow_none=True)
