"""Statuses and channel types are defined once (shared.statuses, shared.channels): every contract that
names them accepts exactly the enum's values, and no module keeps a copy of the words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from marshmallow import validate

from shared.channels import (
    URL_ALERT_CHANNELS,
    AlertChannelType,
    InvitationChannel,
    ResponseChannel,
)
from shared.contracts.alerts import ChannelSchema
from shared.contracts.events import EventBatchResultSchema, EventResultSchema
from shared.contracts.invitations import InvitationQueryArgsSchema
from shared.contracts.responses import ResponseRecordSchema
from shared.contracts.signals import SignalSchema
from shared.contracts.surveys import SurveyQueryArgsSchema
from shared.contracts.triggers import TriggerCreateSchema
from shared.statuses import (
    OPEN_INVITATION_STATUSES,
    EventResultStatus,
    InvitationStatus,
    SurveyStatus,
    values,
)

ROOT = Path(__file__).resolve().parents[2]


def choices_of(schema, name: str) -> tuple[str, ...]:
    """The values a contract field's ``OneOf`` accepts."""
    field = schema().fields[name]
    validators = field.validators if field.validators else [field.validate]
    (one_of,) = [v for v in validators if isinstance(v, validate.OneOf)]
    return tuple(one_of.choices)


@pytest.mark.parametrize(("schema", "field", "enum"), [
    (InvitationQueryArgsSchema, "status", InvitationStatus),
    (InvitationQueryArgsSchema, "channel", InvitationChannel),
    (TriggerCreateSchema, "channel", InvitationChannel),
    (EventResultSchema, "status", EventResultStatus),
    (ResponseRecordSchema, "channel", ResponseChannel),
    (SignalSchema, "channel", ResponseChannel),
    (ChannelSchema, "type", AlertChannelType),
    (SurveyQueryArgsSchema, "status", SurveyStatus),
])
def test_each_contract_accepts_exactly_its_enum(schema, field, enum):
    assert choices_of(schema, field) == values(enum)


def test_every_status_an_invitation_takes_can_be_filtered_on():
    """``responded`` was set by the response page but refused by the listing filter (422)."""
    for status in InvitationStatus:
        assert InvitationQueryArgsSchema().load({"status": status.value})["status"] == status.value
    assert set(OPEN_INVITATION_STATUSES) < set(InvitationStatus)


def test_the_batch_reply_totals_every_event_status():
    assert set(values(EventResultStatus)) < set(EventBatchResultSchema().fields)


def test_a_response_channel_is_an_invitation_channel_or_a_link():
    assert set(values(ResponseChannel)) == {*values(InvitationChannel), "link"}
    for channel in InvitationChannel:
        assert ResponseChannel.of_invitation(channel.value) == channel.value
    assert ResponseChannel.of_invitation(None) is ResponseChannel.LINK
    assert ResponseChannel.of_invitation("sms") is ResponseChannel.LINK


def test_url_alert_channels_are_alert_channels():
    assert set(URL_ALERT_CHANNELS) <= set(AlertChannelType) and AlertChannelType.EMAIL not in URL_ALERT_CHANNELS


def test_members_are_the_strings_stored_and_sent():
    assert InvitationStatus.SENT == "sent" and f"{InvitationChannel.IN_APP}" == "in_app"
    assert json.dumps({InvitationStatus.SENT: AlertChannelType.SLACK}) == '{"sent": "slack"}'


def test_no_module_keeps_its_own_copy_of_the_words():
    """Words that are only a status or a channel type (others double as decisions, reasons or keys)."""
    telling = ("responded", "sampled_out", "in_app", "slack", "archived", "published")
    words = "|".join(telling)
    pattern = re.compile(rf"""["']({words})["']""")
    owners = {ROOT / "shared" / "statuses.py", ROOT / "shared" / "channels.py"}
    copies = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
              for folder in ("shared", "services") for path in sorted((ROOT / folder).rglob("*.py"))
              if path not in owners
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if pattern.search(line)]
    assert copies == []
