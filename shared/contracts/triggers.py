"""Trigger contracts: which event, under which conditions, asks which survey, when and how."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.channels import InvitationChannel
from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.events import EVENT_TYPE, CustomerInSchema, EventSchema, EventTypeSchema, StoredEventSchema
from shared.contracts.fields import SingleLine
from shared.statuses import values

OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "exists", "contains")
CHANNELS = values(InvitationChannel)
CLOCK_TIME = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="a time of day as HH:MM")
FIELD_PATH = validate.Regexp(r"^(event|customer)\.[A-Za-z0-9_.-]{1,100}$",
                             error="'event.<attribute>' or 'customer.<attribute>'")
MAX_DELAY_MINUTES = 90 * 24 * 60


class ConditionSchema(StrictSchema):
    """One condition; all of a trigger's conditions must hold."""

    field = fields.String(required=True, validate=FIELD_PATH,
                          metadata={"description": "event.<attribute>, or customer.<attribute> / customer.locale"})
    op = fields.String(required=True, validate=validate.OneOf(OPERATORS))
    value = fields.Raw(load_default=None, allow_none=True)

    @validates_schema
    def _value_fits_operator(self, data, **_kwargs):
        op, value = data["op"], data.get("value")
        if op in ("in", "not_in") and not isinstance(value, list):
            raise ValidationError(f"'{op}' needs a list", "value")
        if op in ("gt", "gte", "lt", "lte") and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
            raise ValidationError(f"'{op}' needs a number or a string", "value")
        if op == "exists" and not isinstance(value, bool):
            raise ValidationError("'exists' needs true or false", "value")
        if op in ("eq", "ne", "contains") and isinstance(value, (dict, list)):
            raise ValidationError(f"'{op}' needs a scalar", "value")


class TriggerCreateSchema(StrictSchema):
    """A new trigger linking an event type to a published survey."""

    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    event_type = fields.String(required=True, validate=EVENT_TYPE)
    survey_id = fields.Integer(required=True)
    active = fields.Boolean(load_default=True)
    conditions = fields.List(fields.Nested(ConditionSchema), load_default=list, validate=validate.Length(max=50))
    delay_minutes = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_DELAY_MINUTES))
    window_start = fields.String(load_default=None, allow_none=True, validate=CLOCK_TIME,
                                 metadata={"description": "earliest local send time in the customer's time zone"})
    window_end = fields.String(load_default=None, allow_none=True, validate=CLOCK_TIME)
    sampling_rate = fields.Float(load_default=1.0, validate=validate.Range(min=0.0, max=1.0))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    webhook_url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    expires_after_minutes = fields.Integer(load_default=7 * 24 * 60, validate=validate.Range(min=1, max=MAX_DELAY_MINUTES))
    reminder_after_minutes = fields.Integer(load_default=None, allow_none=True,
                                            validate=validate.Range(min=1, max=MAX_DELAY_MINUTES))
    cancel_on = fields.List(fields.String(validate=EVENT_TYPE), load_default=list, validate=validate.Length(max=20),
                            metadata={"description": "event types that cancel a pending invitation"})
    cancel_match_attribute = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100),
                                           metadata={"description": "event attribute both events must share "
                                                                    "(e.g. order_id); none: same customer"})
    priority = fields.Integer(load_default=0, validate=validate.Range(min=-1000, max=1000))

    @validates_schema
    def _consistent(self, data, partial=False, **_kwargs):
        if (data.get("window_start") is None) != (data.get("window_end") is None) and not partial:
            raise ValidationError("give both window_start and window_end, or neither", "window_end")
        if data.get("window_start") and data.get("window_start") == data.get("window_end"):
            raise ValidationError("the send window must not be empty", "window_end")
        if data.get("channel") == "webhook" and not data.get("webhook_url") and not partial:
            raise ValidationError("the webhook channel needs webhook_url", "webhook_url")


class TriggerUpdateSchema(TriggerCreateSchema):
    """Changes to a trigger; any field may be left out."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class TriggerQueryArgsSchema(StrictSchema):
    """Filters of the trigger listing."""

    survey_id = fields.Integer()
    event_type = fields.String(validate=EVENT_TYPE)
    active = fields.Boolean()


class ConditionReplySchema(ReplySchema):
    field = fields.String(required=True)
    op = fields.String(required=True)
    value = fields.Raw(allow_none=True)


class TriggerSchema(ReplySchema):
    """A trigger as stored."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    event_type = fields.String(required=True)
    survey_id = fields.Integer(required=True)
    active = fields.Boolean(required=True)
    conditions = fields.List(fields.Nested(ConditionReplySchema))
    delay_minutes = fields.Integer(required=True)
    window_start = fields.String(allow_none=True)
    window_end = fields.String(allow_none=True)
    sampling_rate = fields.Float(required=True)
    channel = fields.String(required=True)
    webhook_url = fields.String(allow_none=True)
    expires_after_minutes = fields.Integer(required=True)
    reminder_after_minutes = fields.Integer(allow_none=True)
    cancel_on = fields.List(fields.String())
    cancel_match_attribute = fields.String(allow_none=True)
    priority = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PreviewEventSchema(EventSchema):
    """A sample event; its id may be left out."""

    id = fields.String(load_default="preview", validate=validate.Length(min=1, max=200))
    customer = fields.Nested(CustomerInSchema, required=True)


class TriggerPreviewSchema(StrictSchema):
    """``POST /v1/triggers/{id}/preview``: a sample event; nothing is written."""

    event = fields.Nested(PreviewEventSchema, required=True)


class ConditionResultSchema(ReplySchema):
    field = fields.String(required=True)
    op = fields.String(required=True)
    value = fields.Raw(allow_none=True)
    actual = fields.Raw(allow_none=True)
    passed = fields.Boolean(required=True)


class PreviewResultSchema(ReplySchema):
    """Whether the trigger would fire, when it would send, and which rule stops it if not."""

    would_fire = fields.Boolean(required=True, metadata={"description": "an invitation would be created"})
    would_send = fields.Boolean(required=True, metadata={"description": "it would go out (now or later)"})
    send_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    channel = fields.String(required=True)
    language = fields.String(allow_none=True)
    stopped_by = fields.String(allow_none=True, metadata={"description": "the rule that stops it"})
    reason = fields.String(allow_none=True)
    postponed_by = fields.List(fields.String(), metadata={"description": "rules that delay it"})
    conditions = fields.List(fields.Nested(ConditionResultSchema))
    last_sent_at = fields.DateTime(allow_none=True, metadata={
        "description": "when this survey was last sent to the customer (the recontact rule's input)"})
    recontact_days = fields.Integer(allow_none=True, metadata={"description": "the survey's recontact window"})


MAX_BUDGET_CONTACTS = 100
MAX_BUDGET_DAYS = 366


class ContactBudgetSchema(StrictSchema):
    """``PUT /v1/contact-rules``: the contact budget in force from now on (admin)."""

    budget_max_contacts = fields.Integer(required=True, validate=validate.Range(1, MAX_BUDGET_CONTACTS), metadata={
        "description": f"at most this many invitations sent to one customer in budget_days (1-{MAX_BUDGET_CONTACTS})"})
    budget_days = fields.Integer(required=True, validate=validate.Range(1, MAX_BUDGET_DAYS), metadata={
        "description": f"the length of the budget's window in days (1-{MAX_BUDGET_DAYS})"})


class ContactRulesSchema(ReplySchema):
    """``GET /v1/contact-rules``: how often a customer may be asked (the budget is service-wide)."""

    budget_max_contacts = fields.Integer(required=True, metadata={
        "description": "at most this many invitations sent to one customer in budget_days"})
    budget_days = fields.Integer(required=True, metadata={"description": "the length of the budget's window in days"})
    default_time_zone = fields.String(required=True, metadata={
        "description": "send windows use it for customers without a time zone"})
    budget_source = fields.String(required=True, validate=validate.OneOf(["stored", "configuration"]), metadata={
        "description": "'stored': set by an admin through PUT /v1/contact-rules; 'configuration': "
                       "SURVEY_CONTACT_BUDGET_MAX / SURVEY_CONTACT_BUDGET_DAYS, in force while none is stored"})
    updated_at = fields.DateTime(allow_none=True, metadata={"description": "when an admin last set the budget"})
    updated_by = fields.String(allow_none=True, metadata={"description": "who set it (key owner or console user)"})


class TriggerSurveyChoiceSchema(ReplySchema):
    """A survey a trigger can ask, as the trigger editor lists it."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    touchpoint = fields.String(required=True)
    recontact_days = fields.Integer(required=True, metadata={
        "description": "a customer who got this survey is not asked it again within this many days"})


class TriggerEditorArgsSchema(StrictSchema):
    """Query of ``GET /v1/trigger-editor``."""

    trigger_id = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "the trigger being edited: adds it, its survey whatever its status, and the recent events "
                       "of its type (404 if there is no such trigger)"})
    events_limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100), metadata={
        "description": "how many recent events of the trigger's type (1-100)"})


class TriggerEditorSchema(ReplySchema):
    """``GET /v1/trigger-editor``: what an editor of triggers shows, in one read. Each part is what its own
    endpoint answers: the trigger (``GET /v1/triggers/{id}``), the event types seen (``GET /v1/event-types``),
    the contact rules (``GET /v1/contact-rules``), the recent events of the trigger's type (``GET /v1/events``)."""

    trigger = fields.Nested(TriggerSchema, allow_none=True, required=True, metadata={
        "description": "null without trigger_id"})
    surveys = fields.List(fields.Nested(TriggerSurveyChoiceSchema), required=True, metadata={
        "description": "the published surveys by name, and the trigger's own survey whatever its status"})
    event_types = fields.List(fields.Nested(EventTypeSchema), required=True)
    contact_rules = fields.Nested(ContactRulesSchema, required=True)
    recent_events = fields.List(fields.Nested(StoredEventSchema), allow_none=True, required=True, metadata={
        "description": "the latest events of the trigger's type, for a dry run; null without trigger_id and for "
                       "roles that may not read events (personal data)"})
