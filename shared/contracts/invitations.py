"""Invitation contracts: the contact decisions a marketer can inspect, pending in-app surveys,
unsubscribes."""

from __future__ import annotations

from marshmallow import fields, post_load, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import Id, Offset, Timestamp
from shared.contracts.ranges import deprecated_metadata, use_current_name
from shared.contracts.triggers import CHANNELS
from shared.statuses import InvitationStatus, values

INVITATION_STATUSES = values(InvitationStatus)


class InvitationQueryArgsSchema(StrictSchema):
    """Filters of the invitation listing; times filter on creation time."""

    customer_id = fields.String(validate=validate.Length(min=1, max=200))
    survey_id = Id()
    trigger_id = Id()
    status = fields.String(validate=validate.OneOf(INVITATION_STATUSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    created_from = Timestamp(data_key="from", load_default=None,
                             metadata={"description": "created at or after (inclusive)"})
    created_to = Timestamp(data_key="to", load_default=None, metadata={"description": "created before (exclusive)"})
    created_from_deprecated = Timestamp(data_key="created_from", load_default=None,
                                        metadata=deprecated_metadata("from"))
    created_to_deprecated = Timestamp(data_key="created_to", load_default=None, metadata=deprecated_metadata("to"))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = Offset()

    @post_load
    def _current_names(self, data, **_kwargs):
        use_current_name(data, "created_from", current="from", old="created_from")
        use_current_name(data, "created_to", current="to", old="created_to")
        return data


class DecisionSchema(ReplySchema):
    """One contact decision about an invitation, with its reason."""

    decision = fields.String(required=True)
    reason = fields.String(allow_none=True)
    at = fields.DateTime(required=True)


class InvitationSchema(ReplySchema):
    """An invitation: pinned to the survey version it was made with; status and latest reason."""

    id = fields.Integer(required=True)
    survey_id = fields.Integer(required=True)
    survey_version = fields.Integer(required=True)
    trigger_id = fields.Integer(allow_none=True)
    customer_id = fields.String(required=True)
    event_id = fields.String(allow_none=True)
    channel = fields.String(required=True)
    priority = fields.Integer(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(required=True)
    sent_at = fields.DateTime(allow_none=True)
    reminder_due_at = fields.DateTime(allow_none=True)
    reminded_at = fields.DateTime(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class InvitationDetailSchema(InvitationSchema):
    """An invitation with every decision taken about it, oldest first."""

    decisions = fields.List(fields.Nested(DecisionSchema))


class PendingSurveySchema(ReplySchema):
    """An in-app survey the customer's app should show."""

    invitation_id = fields.Integer(required=True)
    survey_id = fields.Integer(required=True)
    survey_version = fields.Integer(required=True)
    title = fields.String(required=True)
    language = fields.String(required=True)
    url = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class UnsubscribeReplySchema(ReplySchema):
    """The customer's contact state after an unsubscribe."""

    customer_id = fields.String(required=True)
    unsubscribed_at = fields.DateTime(required=True)
    cancelled_invitations = fields.Integer(required=True)
