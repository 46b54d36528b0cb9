"""The event contract's direct path must agree with the marshmallow schema on every input it accepts."""

from __future__ import annotations

import copy
import math
from datetime import UTC, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from shared.contracts.events import EventSchema, quick_load_event
from shared.contracts.fields import EARLIEST_DATE, LATEST_DATE

SCHEMA = EventSchema()


def schema_load(raw):
    """The full marshmallow load, bypassing the direct path."""
    return Schema.load(SCHEMA, raw)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
odd_values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=3), scalars,
                                                                                max_size=2),
                       st.just("x" * 2001), st.just(float("inf")), st.just(b"bytes"))
# Text a valid event may hold anywhere: anything but NUL, which PostgreSQL text cannot store.
clean_text = st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=30)
names = st.one_of(st.sampled_from(["plan", "region", "a" * 100, "a" * 101, ""]), st.text(max_size=8))
good_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         clean_text)
good_attributes = st.dictionaries(st.sampled_from(["plan", "amount", "region", "tags", "a" * 100]),
                                  st.one_of(good_scalars, st.lists(good_scalars, max_size=3)), max_size=4)
good_customers = st.fixed_dictionaries(
    {"id": clean_text.filter(bool)},
    optional={"email": st.sampled_from(["a@example.com", "kim@haneul.co.kr", None]),
              "phone": st.sampled_from(["+82 10-1234-5678", "010 1234 5678", "+1 (555) 0100", None]),
              "locale": st.sampled_from(["ko-KR", "en", "en_US", None]),
              "time_zone": st.sampled_from(["Asia/Seoul", "UTC", "America/New_York", None]),
              "attributes": good_attributes})
good_events = st.fixed_dictionaries(
    {"id": clean_text.filter(bool), "type": st.from_regex(r"\A[a-z][a-z0-9_.:-]{0,20}\Z"),
     "occurred_at": st.datetimes(min_value=datetime.combine(EARLIEST_DATE, time()),
                                 max_value=datetime.combine(LATEST_DATE, time(23, 59)),
                                 timezones=st.just(UTC)).map(datetime.isoformat),
     "customer": good_customers},
    optional={"attributes": good_attributes})

# One field of a valid event made doubtful: a wrong type, a broken rule, a boundary, an extra key.
doubtful = {
    "id": st.one_of(st.sampled_from(["x" * 200, "x" * 201, ""]), st.none(), st.integers()),
    "type": st.sampled_from([".bad", "x" * 100, "x" * 101, "sp ace", "", None, 7]),
    "occurred_at": st.one_of(st.sampled_from(["2026-11-02T09:30:00+09:00", "2026-11-02T09:30:00",
                                              "2026-11-02", "yesterday", "", None, 1700000000,
                                              "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00-23:59",
                                              "1899-12-31T23:59:59+14:00", "2200-01-01T00:00:00+00:00"]),
                             st.datetimes().map(datetime.isoformat)),
    "attributes": st.one_of(st.dictionaries(names, odd_values, max_size=4), st.none(),
                            st.lists(scalars, max_size=2), st.text(max_size=3)),
    "customer": st.one_of(st.none(), st.text(max_size=3), st.just({})),
    "customer.id": st.one_of(st.sampled_from(["x" * 200, "x" * 201, ""]), st.none(), st.integers()),
    "customer.email": st.one_of(st.sampled_from(["not-an-email", "a@b", "x" * 310 + "@example.com",
                                                 "x" * 320 + "@example.com"]), st.integers(), st.text(max_size=8)),
    "customer.phone": st.one_of(st.sampled_from(["12", "+82-10-1234-5678-" + "9" * 20, "phone"]), st.integers()),
    "customer.locale": st.one_of(st.sampled_from(["k", "ko-KR-x-123456789", "ko KR"]), st.booleans()),
    "customer.time_zone": st.one_of(st.sampled_from(["Mars/Olympus", "../etc/passwd", "x" * 65, ""]),
                                    st.integers()),
    "customer.attributes": st.one_of(st.dictionaries(names, odd_values, max_size=4), st.none()),
    "extra": scalars,
    "customer.extra": scalars,
}


@st.composite
def doubtful_events(draw):
    event = copy.deepcopy(draw(good_events))
    for path in draw(st.lists(st.sampled_from(sorted(doubtful)), min_size=1, max_size=2, unique=True)):
        value = draw(doubtful[path])
        if path.startswith("customer.") and isinstance(event.get("customer"), dict):
            event["customer"][path.split(".", 1)[1]] = value
        elif not path.startswith("customer."):
            event[path] = value
    return event


raw_inputs = st.one_of(good_events, doubtful_events(), doubtful_events(),
                       st.none(), st.lists(scalars, max_size=2), st.text(max_size=5))


def _same(left, right) -> bool:
    """Equality that treats NaN as equal to itself (attributes may carry any float the schema keeps)."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=False))
    return type(left) is type(right) and left == right


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_inputs)
def test_direct_path_accepts_only_what_the_schema_accepts_and_loads_the_same(raw):
    before = copy.deepcopy(raw)
    quick = quick_load_event(raw)
    try:
        full = schema_load(raw)
    except ValidationError:
        full = None
    if quick is not None:
        assert full is not None, "the direct path accepted an event the schema rejects"
        assert _same(quick, full)
    assert _same(raw, before), "loading must not change the input"


@settings(max_examples=500, deadline=None)
@given(good_events)
def test_every_plainly_valid_event_takes_the_direct_path(raw):
    quick = quick_load_event(raw)
    assert quick is not None
    assert _same(quick, schema_load(raw))


VALID = {"id": "ord-1", "type": "order.delivered", "occurred_at": "2026-11-02T09:30:00+09:00",
         "customer": {"id": "c-1", "email": "kim@haneul.co.kr", "phone": "+82 10-1234-5678", "locale": "ko-KR",
                      "time_zone": "Asia/Seoul", "attributes": {"plan": "gold", "tags": ["a", 1]}},
         "attributes": {"order_id": "ord-1", "amount": 25000, "paid": True, "note": None}}


@pytest.mark.parametrize("raw", [
    VALID,
    {"id": "e", "type": "t", "occurred_at": "2026-01-01T00:00:00Z", "customer": {"id": "c"}},
    {**VALID, "customer": {"id": "c", "email": None, "attributes": {}}},
])
def test_plain_valid_events_take_the_direct_path(raw):
    quick = quick_load_event(raw)
    assert quick is not None
    assert quick == schema_load(raw)
    assert SCHEMA.load(raw) == quick


@pytest.mark.parametrize("change", [
    lambda e: e.update(extra=1),
    lambda e: e["customer"].update(email="nope"),
    lambda e: e["customer"].update(time_zone="Mars/Olympus"),
    lambda e: e.update(occurred_at="2026-11-02T09:30:00"),
    lambda e: e["attributes"].update(score=float("inf")),
    lambda e: e["attributes"].update(nested={"a": 1}),
    lambda e: e["attributes"].update(tags=["ok", float("nan")]),
    lambda e: e["customer"]["attributes"].update(tags=["x" * 2001]),
    lambda e: e.update(id="ord\x00-1"),
    lambda e: e["attributes"].update({"nul\x00": 1}),
    lambda e: e["customer"]["attributes"].update(tags=["a\x00"]),
    lambda e: e.pop("customer"),
])
def test_invalid_events_still_get_the_schema_errors(change):
    raw = copy.deepcopy(VALID)
    change(raw)
    assert quick_load_event(raw) is None
    with pytest.raises(ValidationError) as caught:
        SCHEMA.load(raw)
    assert caught.value.messages


def test_non_default_loads_bypass_the_direct_path():
    partial = EventSchema(partial=True).load({"id": "only-an-id"})
    assert partial == {"id": "only-an-id"}
    loaded = EventSchema(many=True).load([VALID, VALID])
    assert len(loaded) == 2 and loaded[0] == quick_load_event(VALID)


# One plainly valid value per contract field. A field added to the contract must be added here too,
# and then the direct path must load it as the schema does (or the test below fails).
EVERY_FIELD = {
    "event": {"id": "evt-1", "type": "order.delivered", "occurred_at": "2026-11-02T09:30:00+09:00",
              "attributes": {"order_id": "o-1"}},
    "customer": {"id": "c-1", "email": "c1@example.com", "phone": "+82 10-1234-5678", "locale": "ko-KR",
                 "time_zone": "Asia/Seoul", "attributes": {"tier": "gold"}},
}


def test_the_direct_path_knows_every_field_of_the_contract():
    from services.survey.models import Customer
    from shared.contracts.events import CONTACT_FIELDS, CustomerInSchema

    for schema, name in ((EventSchema, "event"), (CustomerInSchema, "customer")):
        missing = set(schema._declared_fields) - set(EVERY_FIELD[name]) - {"customer"}
        assert not missing, f"the {name} contract gained {missing}: teach quick_load_event and this test"
    raw = {**EVERY_FIELD["event"], "customer": EVERY_FIELD["customer"]}
    assert quick_load_event(copy.deepcopy(raw)) == schema_load(copy.deepcopy(raw))
    # The contact fields the upsert writes are the model's columns.
    assert set(CONTACT_FIELDS) <= set(Customer.__table__.columns.keys())
    assert set(CONTACT_FIELDS) == set(CustomerInSchema._declared_fields) - {"id", "attributes"}
