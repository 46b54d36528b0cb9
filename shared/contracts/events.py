"""Journey event ingestion contracts, and the customer record events upsert."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import RAISE, ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import Id, Timestamp, check_plausible
from shared.statuses import EventResultStatus, values

MAX_BATCH_EVENTS = 500
MAX_BATCH_BYTES = 512 * 1024
MAX_EVENT_BYTES = 64 * 1024
MAX_ATTRIBUTES = 100
EVENT_TYPE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$", error="an event type such as 'order.delivered'")
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="no NUL characters")  # PostgreSQL text cannot hold them
EXTERNAL_ID = validate.And(validate.Length(min=1, max=200), NO_NUL)
EVENT_STATUSES = values(EventResultStatus)
MAX_ATTRIBUTE_NAME = 100
ATTRIBUTE_NAME = validate.And(validate.Length(min=1, max=MAX_ATTRIBUTE_NAME), NO_NUL)
EMAIL = (validate.Email(), validate.Length(max=320))
PHONE = validate.Regexp(r"^\+?[0-9 ()-]{4,32}$", error="a phone number")
LOCALE = validate.Regexp(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", error="a locale such as 'ko-KR'")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


class Attributes(fields.Dict):
    """A flat mapping of names to scalars (or short lists of scalars); bounded in size."""

    def __init__(self, **kwargs) -> None:
        super().__init__(keys=fields.String(validate=ATTRIBUTE_NAME), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        check_attribute_values(result)
        return result


def check_attribute_values(attributes: dict[str, Any]) -> None:
    """Raise ``ValidationError`` unless the values are bounded scalars or short lists of scalars.

    Strings hold at most 2000 characters and numbers are finite, at the top level and in lists.
    """
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValidationError(f"at most {MAX_ATTRIBUTES} attributes")
    for name, item in attributes.items():
        if isinstance(item, list):
            if len(item) > 100 or not all(_is_scalar(x) for x in item):
                raise ValidationError(f"{name}: lists hold at most 100 scalars")
            for element in item:
                _check_scalar(name, element)
        elif _is_scalar(item):
            _check_scalar(name, item)
        else:
            raise ValidationError(f"{name}: values are strings, numbers, booleans, null or lists of them")


def _check_scalar(name: str, value: Any) -> None:
    if isinstance(value, str):
        if len(value) > 2000:
            raise ValidationError(f"{name}: at most 2000 characters")
        if "\x00" in value:
            raise ValidationError(f"{name}: no NUL characters")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{name}: not a finite number")


def _known_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("an IANA time zone such as 'Asia/Seoul'") from exc


TIME_ZONE = (validate.Length(max=64), _known_zone)


CONTACT_FIELDS = ("email", "phone", "locale", "time_zone")  # known fields: a newer value overwrites


class CustomerInSchema(StrictSchema):
    """The customer an event is about; known fields overwrite, attributes merge."""

    id = fields.String(required=True, validate=EXTERNAL_ID)
    email = fields.Email(load_default=None, allow_none=True, validate=EMAIL[1])
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    locale = fields.String(load_default=None, allow_none=True, validate=LOCALE)
    time_zone = fields.String(load_default=None, allow_none=True, validate=list(TIME_ZONE))
    attributes = Attributes(load_default=dict)


class EventSchema(StrictSchema):
    """One journey event (``POST /v1/events``)."""

    id = fields.String(required=True, validate=EXTERNAL_ID,
                       metadata={"description": "client-chosen id; the same id and body is accepted once"})
    type = fields.String(required=True, validate=EVENT_TYPE)
    occurred_at = Timestamp(required=True)
    customer = fields.Nested(CustomerInSchema, required=True)
    attributes = Attributes(load_default=dict)

    def load(self, data, *, many=None, partial=None, unknown=None):
        """Plainly valid events take a direct path (the same result, a fraction of the work); any other
        input, and any non-default way of loading, goes through the schema, which explains errors."""
        plain = not (many or self.many or partial or self.partial or self.only or self.exclude
                     or self.dump_only) and (unknown or self.unknown) == RAISE
        if plain:
            loaded = quick_load_event(data)
            if loaded is not None:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)


# The direct path reads its field lists and rules off the schemas: a field added to the contract is
# either handled here or makes tests/shared/test_event_fastpath.py fail.
_EVENT_KEYS = frozenset(EventSchema._declared_fields)
_CUSTOMER_KEYS = frozenset(CustomerInSchema._declared_fields)
_TEXT_RULES = {name: tuple(CustomerInSchema._declared_fields[name].validators) for name in CONTACT_FIELDS}


def quick_load_event(raw: Any) -> dict[str, Any] | None:
    """What ``EventSchema().load(raw)`` returns, when ``raw`` is plainly valid; otherwise None.

    The same validators run, but without the schema machinery. Anything unusual (a missing or
    unknown key, a non-plain type, a failed rule) returns None so that the schema decides and
    explains; a property test checks that a non-None result always equals the schema's.
    """
    try:
        if type(raw) is not dict or not raw.keys() <= _EVENT_KEYS:
            return None
        event_id, kind, customer = raw["id"], raw["type"], raw["customer"]
        if type(event_id) is not str or type(kind) is not str or type(customer) is not dict:
            return None
        EXTERNAL_ID(event_id)
        EVENT_TYPE(kind)
        occurred_at = raw["occurred_at"]
        if type(occurred_at) is not str:
            return None
        occurred_at = datetime.fromisoformat(occurred_at)  # what the field does with a string
        if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
            return None
        check_plausible(occurred_at)
        attributes = _quick_attributes(raw.get("attributes", {}))
        if attributes is None or not customer.keys() <= _CUSTOMER_KEYS:
            return None
        customer_id = customer["id"]
        if type(customer_id) is not str:
            return None
        EXTERNAL_ID(customer_id)
        loaded_customer: dict[str, Any] = {"id": customer_id}
        for name, rules in _TEXT_RULES.items():
            value = customer.get(name)
            if value is not None:
                if type(value) is not str:
                    return None
                for rule in rules:
                    rule(value)
            loaded_customer[name] = value
        loaded_customer["attributes"] = _quick_attributes(customer.get("attributes", {}))
        if loaded_customer["attributes"] is None:
            return None
    except (ValidationError, KeyError, ValueError):
        return None
    return {"id": event_id, "type": kind, "occurred_at": occurred_at, "customer": loaded_customer,
            "attributes": attributes}


def _quick_attributes(value: Any) -> dict[str, Any] | None:
    if type(value) is not dict:
        return None
    for name in value:  # ATTRIBUTE_NAME's rule, inlined: it runs for every key of every event
        if type(name) is not str or not 0 < len(name) <= MAX_ATTRIBUTE_NAME or "\x00" in name:
            return None
    check_attribute_values(value)
    return dict(value)


class EventBatchSchema(StrictSchema):
    """Up to 500 events (``POST /v1/events/batch``); each item is validated on its own."""

    events = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1),
                         metadata={"description": f"1 to {MAX_BATCH_EVENTS} items with the shape of the single "
                                                  f"event body (more: 422); at most {MAX_BATCH_BYTES} bytes"})


class EventResultSchema(ReplySchema):
    """What happened to one event: accepted, replayed (same id and body seen before) or rejected."""

    id = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(EVENT_STATUSES))
    received_at = fields.DateTime(allow_none=True)
    code = fields.Integer(allow_none=True, metadata={"description": "HTTP-like code of a rejection"})
    message = fields.String(allow_none=True)
    errors = fields.Raw(allow_none=True)


class EventBatchResultSchema(ReplySchema):
    """A status per item, in the order sent, and the totals."""

    accepted = fields.Integer(required=True)
    replayed = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    results = fields.List(fields.Nested(EventResultSchema), required=True)


class CustomerSchema(ReplySchema):
    """A customer (contact) record; personal data."""

    id = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    locale = fields.String(allow_none=True)
    time_zone = fields.String(allow_none=True)
    attributes = fields.Dict()
    unsubscribed_at = fields.DateTime(allow_none=True)
    erased_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class EventTypeSchema(ReplySchema):
    """``GET /v1/event-types``: an event type the service has received, its volume and last arrival."""

    type = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "events of this type received so far"})
    first_received_at = fields.DateTime(required=True)
    last_received_at = fields.DateTime(required=True)


class EventQueryArgsSchema(StrictSchema):
    """Filters of ``GET /v1/events``: the most recent events first (for a trigger's dry run)."""

    type = fields.String(validate=EVENT_TYPE)
    trigger_id = Id(metadata={"description": "the events of this trigger's event type (404 if there is no such "
                                              "trigger); instead of type"})
    customer_id = fields.String(validate=EXTERNAL_ID)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @validates_schema
    def _one_type(self, data: dict[str, Any], **_: Any) -> None:
        if "type" in data and "trigger_id" in data:
            raise ValidationError("give type or trigger_id, not both", field_name="trigger_id")


class StoredEventSchema(ReplySchema):
    """A journey event as received; the customer by id (the contact record is ``/v1/customers/{id}``)."""

    id = fields.String(required=True)
    type = fields.String(required=True)
    occurred_at = fields.DateTime(required=True)
    received_at = fields.DateTime(required=True)
    customer_id = fields.String(required=True)
    attributes = fields.Dict()
