"""Every contract follows the house rule: servers reject unknown fields, clients ignore them; and the
contracts that cross a service boundary survive a dump and load unchanged."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import UTC, datetime

import pytest
from marshmallow import Schema, ValidationError

import shared.contracts as contracts
from shared.contracts.base import ForeignSpecSchema, ReplySchema, StrictSchema
from shared.contracts.responses import ResponseBatchSchema, ResponseRecordSchema
from shared.contracts.signals import SignalSchema


def _schemas():
    found = {}
    for module_info in pkgutil.iter_modules(contracts.__path__):
        module = importlib.import_module(f"shared.contracts.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                found[f"{module_info.name}.{name}"] = value
    return found


SCHEMAS = _schemas()
STRICT = sorted(name for name, cls in SCHEMAS.items() if issubclass(cls, StrictSchema))
REPLIES = sorted(name for name, cls in SCHEMAS.items() if issubclass(cls, ReplySchema))
FOREIGN = sorted(name for name, cls in SCHEMAS.items() if issubclass(cls, ForeignSpecSchema))


def test_every_contract_is_strict_or_a_reply():
    """Or, where a third party's specification fixes the body, says so by its base class (only those)."""
    assert len(SCHEMAS) > 40
    assert set(STRICT) | set(REPLIES) | set(FOREIGN) == set(SCHEMAS)
    assert [name for name in FOREIGN if not name.startswith("base.")] == ["tracking.SegmentBatchSchema",
                                                                        "tracking.SegmentMessageSchema"]


@pytest.mark.parametrize("name", FOREIGN)
def test_bodies_of_a_foreign_specification_accept_its_extra_fields(name):
    """Segment's SDKs add fields cxloop does not read (``_metadata``, ``channel`` ...): never a refusal."""
    loaded = SCHEMAS[name]().load({"type": "track", "batch": [], "_metadata": {"bundled": []}, "channel": "server"})
    assert "_metadata" not in loaded and "channel" not in loaded


@pytest.mark.parametrize("name", STRICT)
def test_servers_reject_unknown_fields(name):
    with pytest.raises(ValidationError) as caught:
        SCHEMAS[name]().load({"surely_not_a_field": 1})
    assert "surely_not_a_field" in caught.value.messages


@pytest.mark.parametrize("name", REPLIES)
def test_clients_ignore_unknown_fields(name):
    try:
        SCHEMAS[name]().load({"surely_not_a_field": 1})
    except ValidationError as exc:
        assert "surely_not_a_field" not in exc.messages


RECORD = {
    "response_id": "r1", "version": 3, "survey_id": "7", "survey_version": 2, "touchpoint": "delivery",
    "channel": "email", "customer_id": "c1", "invitation_id": "11", "event_type": "order.delivered",
    "event_at": datetime(2026, 3, 1, 9, tzinfo=UTC), "lang": "ko", "attributes": {"region": "Seoul"},
    "completed": True, "created_at": datetime(2026, 3, 2, 9, tzinfo=UTC),
    "updated_at": datetime(2026, 3, 2, 9, 5, tzinfo=UTC), "completed_at": datetime(2026, 3, 2, 9, 5, tzinfo=UTC),
    "answers": [{"question_key": "nps", "type": "nps", "value": 3, "scale_max": None, "choices": [],
                 "text": None, "dimension": "feel", "driver": "process"},
                {"question_key": "comment", "type": "text", "value": None, "scale_max": None, "choices": [],
                 "text": "배송이 늦었어요", "dimension": None, "driver": None}],
    "excluded": False,
}


def test_response_record_round_trips():
    wire = ResponseRecordSchema().dump(RECORD)
    assert ResponseRecordSchema().load(wire) == RECORD
    assert ResponseBatchSchema().load({"responses": [wire]})["responses"][0] == RECORD


def test_signal_round_trips_and_scores_out_of_range_are_refused():
    signal = {"response_id": "r1", "survey_id": "7", "survey_version": 2, "touchpoint": "delivery",
              "channel": "email", "customer_id": "c1", "metric": "nps", "score": 3, "comment": "늦어요",
              "answers": RECORD["answers"], "lang": "ko", "attributes": {}, "answered_at": RECORD["created_at"],
              "link": "http://127.0.0.1:8001/v1/responses/r1", "revision": 2, "low": True,
              "questions": {"nps": {"text": "추천하시겠어요?", "choices": {}}}, "survey_title": "배송"}
    assert SignalSchema().load(SignalSchema().dump(signal)) == signal
    first = {k: v for k, v in signal.items() if k not in ("revision", "low")}
    assert SignalSchema().load(first) == {**first, "revision": 1, "low": True}  # a first, low signal
    bad = ResponseRecordSchema().dump(RECORD)
    bad["answers"][0]["value"] = 11
    with pytest.raises(ValidationError) as caught:
        ResponseRecordSchema().load(bad)
    assert "answers" in caught.value.messages


SINGLE_LINE_NAMES = ("name", "title", "subject")


@pytest.mark.parametrize("name", STRICT)
def test_names_titles_and_subjects_accepted_by_servers_are_single_line(name):
    """They end up in email headers: a line break in one would fail every email that carries it."""
    from shared.contracts.fields import SingleLine

    for field_name, field in SCHEMAS[name]().load_fields.items():
        if field_name in SINGLE_LINE_NAMES:
            inner = getattr(field, "value_field", None) or field  # translations: each text
            assert isinstance(inner, SingleLine), f"{name}.{field_name} is not SingleLine"


@pytest.mark.parametrize("text", ["a\r\nBcc: x@example.com", "a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x85b",
                                  "a\x0bb", "a\x00b", "a\x1bb"])
def test_single_line_refuses_line_breaks_and_control_characters(text):
    from shared.contracts.fields import SingleLine, one_line

    class Named(Schema):
        name = SingleLine(required=True)

    with pytest.raises(ValidationError, match="single line"):
        Named().load({"name": text})
    assert "\n" not in one_line(text) and "\r" not in one_line(text) and len(one_line(text)) == len(text)


def test_single_line_keeps_ordinary_text_and_tabs():
    from shared.contracts.fields import SingleLine

    class Named(Schema):
        name = SingleLine(required=True)

    assert Named().load({"name": "배송 NPS — Q1\t(서울)"})["name"] == "배송 NPS — Q1\t(서울)"
