"""One Segment message read into what cxloop stores: who it is about, when it happened, its name and
its attributes. Pure functions, no database.

Rules (documented in OpenAPI and the README):
- the customer is ``userId``; without one, ``anonymous:<anonymousId>``;
- the event time follows the spec: ``receivedAt - (sentAt - timestamp)`` when the client sent both
  (its clock's skew removed), else ``timestamp``, else the time cxloop received the message;
- properties and traits become attributes: nested objects flattened to ``outer.inner`` names, lists
  of scalars kept, lists of objects (e.g. ``products``) left out; then the event attribute limits;
- contact details: ``email`` and ``phone`` from the traits (``context.traits`` on a track call; on an
  identify call ``traits`` over ``context.traits``), other traits such as ``name`` into the customer's
  attributes, locale and time zone from ``context.locale`` and ``context.timezone``. A contact detail
  that fails its rule is left out and reported.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from shared.contracts.events import (
    CONTACT_FIELDS,
    EXTERNAL_ID,
    MAX_ATTRIBUTE_NAME,
    CustomerInSchema,
    check_attribute_values,
)
from shared.contracts.fields import check_plausible
from shared.contracts.tracking import MAX_MESSAGE_ID, MessageType, SegmentMessageSchema, quick_load_message

ANONYMOUS_PREFIX = "anonymous:"
CONTACT_TRAITS = ("email", "phone")
_MESSAGE_SCHEMA = SegmentMessageSchema()
# The contact rules are read off the customer contract (one definition), and applied field by field.
_CONTACT_RULES = {name: tuple(CustomerInSchema._declared_fields[name].validators) for name in CONTACT_FIELDS}
_MAX_FLATTEN_DEPTH = 4


@dataclass
class Rejection(Exception):
    """A message that cannot be used, with an HTTP-like code and the reasons."""

    code: int
    message: str
    errors: Any = None


@dataclass
class ReadMessage:
    """A message as cxloop uses it."""

    type: MessageType
    message_id: str
    customer: dict[str, Any] | None  # the shape CustomerInSchema loads to
    occurred_at: datetime
    event_name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)  # the raw properties (order events read them)
    warnings: dict[str, Any] = field(default_factory=dict)


def parse_time(text: Any) -> datetime | None:
    """An ISO 8601 time (naive read as UTC) within the plausible range, or None when absent."""
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("not an ISO 8601 time")
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    check_plausible(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def event_time(*, timestamp: datetime | None, sent_at: datetime | None, received_at: datetime) -> datetime:
    """The spec's event time: the client's time corrected for its clock skew when it can be."""
    if timestamp is None:
        return received_at
    if sent_at is None:
        return timestamp
    return received_at - (sent_at - timestamp)


def flatten(document: Any, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Flat attributes from a JSON object: ``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists of objects dropped."""
    flat: dict[str, Any] = {}
    if not isinstance(document, dict):
        return flat
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth < _MAX_FLATTEN_DEPTH:
                flat.update(flatten(value, name + ".", depth + 1))
        elif isinstance(value, list):
            if all(item is None or isinstance(item, str | int | float | bool) for item in value):
                flat[name] = value
        else:
            flat[name] = value
    return flat


def _text_id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def customer_id(message: dict[str, Any]) -> str | None:
    """``userId``, else ``anonymous:<anonymousId>``, else None."""
    user = _text_id(message.get("userId"))
    if user is not None:
        return user
    anonymous = _text_id(message.get("anonymousId"))
    return None if anonymous is None else ANONYMOUS_PREFIX + anonymous


def _valid(rule_list, value: Any) -> bool:
    try:
        for rule in rule_list:
            rule(value)
    except ValidationError:
        return False
    return True


def _customer(person: str, traits: dict[str, Any], context: dict[str, Any], *, with_attributes: bool,
              warnings: dict[str, Any]) -> dict[str, Any]:
    """The customer record a message carries (the shape ``CustomerInSchema`` loads to); contact details
    that fail their rules are left out and reported in ``warnings``."""
    customer: dict[str, Any] = {"id": person, "email": None, "phone": None, "locale": None, "time_zone": None,
                                "attributes": {}}
    for name in CONTACT_TRAITS:
        value = traits.get(name)
        if value is None:
            continue
        if isinstance(value, str) and _valid(_CONTACT_RULES[name], value):
            customer[name] = value
        else:
            warnings[f"traits.{name}"] = [f"not a valid {name}; left out"]
    locale, zone = context.get("locale"), context.get("timezone")
    if isinstance(locale, str) and _valid(_CONTACT_RULES["locale"], locale):
        customer["locale"] = locale
    if isinstance(zone, str) and _valid(_CONTACT_RULES["time_zone"], zone):
        customer["time_zone"] = zone
    if with_attributes:
        attributes = {key: value for key, value in flatten(traits).items() if key not in CONTACT_TRAITS}
        customer["attributes"] = _checked_attributes(attributes, "traits")
    return customer


def _checked_attributes(flat: dict[str, Any], source: str) -> dict[str, Any]:
    try:
        for name in flat:
            if not name or len(name) > MAX_ATTRIBUTE_NAME or "\x00" in name:
                raise ValidationError(f"{name[:40]}: names hold at most {MAX_ATTRIBUTE_NAME} characters")
        check_attribute_values(flat)
    except ValidationError as exc:
        raise Rejection(422, f"the {source} do not fit the attribute limits", {source: exc.messages}) from None
    return flat


def _context_traits(context: dict[str, Any]) -> dict[str, Any]:
    traits = context.get("traits")
    return traits if isinstance(traits, dict) else {}


def read_message(raw: Any, *, batch_sent_at: datetime | None, batch_context: dict[str, Any],
                 received_at: datetime) -> ReadMessage:
    """Validate and read one message; raises ``Rejection``."""
    message = quick_load_message(raw)
    if message is None:  # something unusual: the schema decides and explains
        try:
            message = _MESSAGE_SCHEMA.load(raw if isinstance(raw, dict) else {"type": None})
        except ValidationError as exc:
            raise Rejection(422, "the message did not pass validation", exc.messages) from None
    kind = MessageType(message["type"])
    context = {**(batch_context or {}), **(message.get("context") or {})}
    try:
        sent_at = parse_time(message.get("sentAt")) or batch_sent_at
        client_time = parse_time(message.get("timestamp") or message.get("originalTimestamp"))
    except (ValueError, ValidationError):
        raise Rejection(422, "the message's times are not ISO 8601", {"timestamp": ["an ISO 8601 time"]}) from None
    occurred_at = event_time(timestamp=client_time, sent_at=sent_at, received_at=received_at)
    try:
        check_plausible(occurred_at)
    except ValidationError as exc:
        raise Rejection(422, "the event time is out of range", {"timestamp": exc.messages}) from None
    read = ReadMessage(type=kind, message_id=message.get("messageId") or f"cx-{uuid.uuid4()}", customer=None,
                       occurred_at=occurred_at)
    if kind not in (MessageType.IDENTIFY, MessageType.TRACK):
        return read
    person = customer_id(message)
    if person is None or not _valid([EXTERNAL_ID], person):
        raise Rejection(422, "the message names no customer", {"userId": ["userId or anonymousId (up to 200 characters)"]})
    if kind is MessageType.TRACK:
        if not message.get("event"):
            raise Rejection(422, "a track call needs an event name", {"event": ["required"]})
        read.event_name = message["event"]
        read.properties = message.get("properties") or {}
        read.attributes = _checked_attributes(flatten(read.properties), "properties")
        read.customer = _customer(person, _context_traits(context), context, with_attributes=False,
                                  warnings=read.warnings)
    else:  # RudderStack's SDK sends identify traits in context.traits only
        traits = {**_context_traits(context), **(message.get("traits") or {})}
        read.customer = _customer(person, traits, context, with_attributes=True, warnings=read.warnings)
    return read


def event_id(source_key_id: str, message_id: str) -> str:
    """The journey event id of a track message: per source, so two sources' ids never collide."""
    return f"segment:{source_key_id}:{message_id[:MAX_MESSAGE_ID]}"
