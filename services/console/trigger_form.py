"""The trigger form: every option of the trigger API, in words a marketer uses, and its translation
to and from the API's body (``shared/contracts/triggers.py``).

Durations are typed as an amount and a unit, sampling as a percentage, conditions as rows of field,
operator and value (operators come from the contract's ``OPERATORS``, the list the survey service's
``conditions.py`` evaluates). The form only checks the shape of what was typed; the survey service
decides what is valid, and its errors come back next to these fields (``apply_trigger_errors``).
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from services.console.clients.base import ConsoleServiceError, ServiceRefusedError
from services.console.forms import REQUIRED, ConsoleForm
from services.console.pages.support import apply_errors
from services.console.refusals import localized
from services.console.widgets import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from shared.channels import InvitationChannel
from shared.contracts.triggers import OPERATORS

OPERATOR_LABELS = {"eq": _l("is"), "ne": _l("is not"), "in": _l("is one of"), "not_in": _l("is none of"),
                   "gt": _l("is more than"), "gte": _l("is at least"), "lt": _l("is less than"),
                   "lte": _l("is at most"), "exists": _l("is present (true) or absent (false)"),
                   "contains": _l("contains")}
CHANNEL_LABELS = {InvitationChannel.EMAIL: _l("Email"), InvitationChannel.WEBHOOK: _l("Webhook (your system sends it)"),
                  InvitationChannel.IN_APP: _l("In the app")}
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
UNIT_LABELS = {"minutes": _l("minutes"), "hours": _l("hours"), "days": _l("days")}
BLANK_CONDITION_ROWS = 2
MAX_CONDITIONS = 50
# The API's field names -> this form's (what is not listed has the same name).
API_TO_FORM = {"delay_minutes": "delay_amount", "expires_after_minutes": "expires_amount",
               "reminder_after_minutes": "reminder_amount", "sampling_rate": "sampling_percent"}


def operator_choices() -> list[tuple[str, str]]:
    """Every operator of the contract, labelled."""
    return [(op, str(OPERATOR_LABELS.get(op, op))) for op in OPERATORS]


def _units() -> list[tuple[str, str]]:
    return [(unit, str(label)) for unit, label in UNIT_LABELS.items()]


class ConditionRow(Form):
    """One condition: ``event.<attribute>`` or ``customer.<attribute>``, an operator, a value."""

    field = StringField(_l("Attribute"), validators=[Optional(), Length(max=110)])
    op = SelectField(_l("Operator"), choices=operator_choices)
    value = StringField(_l("Value"), validators=[Optional(), Length(max=2000)])


class TriggerForm(ConsoleForm):
    """``/triggers/new`` and ``/triggers/<id>``."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    survey_id = SelectField(_l("Survey to send"), choices=[], validators=[InputRequired(REQUIRED)])
    event_type = SelectField(_l("Event type"), choices=[], validate_choice=False)
    event_type_other = StringField(_l("Or an event type not seen yet"), validators=[Optional(), Length(max=100)])
    conditions = FieldList(FormField(ConditionRow), min_entries=BLANK_CONDITION_ROWS, max_entries=MAX_CONDITIONS)
    delay_amount = IntegerField(_l("Wait after the event"), default=0,
                                validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    delay_unit = SelectField(_l("Unit of the wait"), choices=_units, default="hours")
    window_start = StringField(_l("Send from"), validators=[Optional()])
    window_end = StringField(_l("Send until"), validators=[Optional()])
    sampling_percent = IntegerField(_l("Share of matching events that get a survey (%)"), default=100,
                                    validators=[InputRequired(REQUIRED), NumberRange(min=0, max=100)])
    channel = SelectField(_l("Channel"), choices=lambda: [(c.value, str(label)) for c, label in CHANNEL_LABELS.items()])
    webhook_url = StringField(_l("Webhook address"), validators=[Optional(), Length(max=2000)])
    expires_amount = IntegerField(_l("Expires after"), default=7, validators=[InputRequired(REQUIRED), NumberRange(min=1)])
    expires_unit = SelectField(_l("Unit of the expiry"), choices=_units, default="days")
    reminder_amount = IntegerField(_l("Remind after"), validators=[Optional(), NumberRange(min=1)])
    reminder_unit = SelectField(_l("Unit of the reminder"), choices=_units, default="days")
    cancel_on = StringField(_l("Cancel when one of these events arrives"), validators=[Optional(), Length(max=2100)])
    cancel_match_attribute = StringField(_l("Only when both events share this attribute"),
                                         validators=[Optional(), Length(max=100)])
    priority = IntegerField(_l("Priority"), default=0, validators=[InputRequired(REQUIRED),
                                                                    NumberRange(min=-1000, max=1000)])
    active = BooleanField(_l("Active: new events create invitations"), default=True)


class DryRunForm(ConsoleForm):
    """The dry run: a recent real event, or one pasted as JSON."""

    event_id = SelectField(_l("A recent event"), choices=[], validate_choice=False)
    event_json = TextAreaField(_l("Or paste an event (JSON)"), validators=[Optional(), Length(max=64 * 1024)])


def parse_scalar(text: str) -> Any:
    """A typed value: numbers, true/false and "quoted text" as JSON; anything else as text."""
    text = text.strip()
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (str, int, float, bool)) else text


def parse_value(op: str, text: str | None) -> Any:
    """The API value of a condition row for ``op``."""
    text = (text or "").strip()
    if op == "exists":
        return text.lower() not in ("false", "no", "0", "아니오")
    if op in ("in", "not_in"):
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if isinstance(items, list):
                return items
        return [parse_scalar(part) for part in text.split(",") if part.strip()]
    return parse_scalar(text)


def scalar_text(value: Any) -> str:
    """How a value is typed back: text as is, unless it would read as a number or true/false."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if parse_scalar(value) != value else value
    return json.dumps(value, ensure_ascii=False)


def value_text(value: Any) -> str:
    """A condition's value as typed in the form."""
    if isinstance(value, list):
        return ", ".join(scalar_text(item) for item in value)
    if value is None:
        return ""
    return scalar_text(value)


def split_minutes(minutes: int | None) -> tuple[int | None, str]:
    """An amount and the largest unit that divides ``minutes`` exactly."""
    if minutes is None:
        return None, "days"
    for unit in ("days", "hours"):
        if minutes and minutes % UNITS[unit] == 0:
            return minutes // UNITS[unit], unit
    return minutes, "minutes"


def fill_from_trigger(form: TriggerForm, trigger: dict[str, Any]) -> None:
    """Put a stored trigger into the form (GET of ``/triggers/<id>``)."""
    form.name.data, form.survey_id.data = trigger["name"], str(trigger["survey_id"])
    form.event_type.data = trigger["event_type"]
    form.delay_amount.data, form.delay_unit.data = split_minutes(trigger["delay_minutes"])
    form.expires_amount.data, form.expires_unit.data = split_minutes(trigger["expires_after_minutes"])
    form.reminder_amount.data, form.reminder_unit.data = split_minutes(trigger.get("reminder_after_minutes"))
    form.window_start.data, form.window_end.data = trigger.get("window_start"), trigger.get("window_end")
    form.sampling_percent.data = round(trigger["sampling_rate"] * 100)
    form.channel.data, form.webhook_url.data = trigger["channel"], trigger.get("webhook_url")
    form.cancel_on.data = ", ".join(trigger.get("cancel_on") or [])
    form.cancel_match_attribute.data = trigger.get("cancel_match_attribute")
    form.priority.data, form.active.data = trigger["priority"], trigger["active"]
    wanted = [*(trigger.get("conditions") or []), *([None] * BLANK_CONDITION_ROWS)]
    while len(form.conditions.entries) > len(wanted):
        form.conditions.pop_entry()
    while len(form.conditions.entries) < len(wanted):  # the blank rows made with the form are reused
        form.conditions.append_entry()
    for row, condition in zip(form.conditions.entries, wanted, strict=True):
        row.form.field.data, row.form.op.data = (condition["field"], condition["op"]) if condition else (None, None)
        row.form.value.data = value_text(condition.get("value")) if condition else None


def chosen_event_type(form: TriggerForm) -> str:
    """The typed event type, else the picked one."""
    return (form.event_type_other.data or "").strip() or (form.event_type.data or "").strip()


def trigger_body(form: TriggerForm) -> dict[str, Any]:
    """The API body (create, or every field of an update) of what was typed."""
    conditions = [{"field": row.form.field.data.strip(), "op": row.form.op.data,
                   "value": parse_value(row.form.op.data, row.form.value.data)}
                  for row in form.conditions if (row.form.field.data or "").strip()]
    reminder = form.reminder_amount.data
    return {
        "name": form.name.data.strip(), "survey_id": int(form.survey_id.data) if form.survey_id.data.isdigit() else 0,
        "event_type": chosen_event_type(form), "active": bool(form.active.data), "conditions": conditions,
        "delay_minutes": form.delay_amount.data * UNITS.get(form.delay_unit.data, 1),
        "window_start": (form.window_start.data or "").strip() or None,
        "window_end": (form.window_end.data or "").strip() or None,
        "sampling_rate": form.sampling_percent.data / 100, "channel": form.channel.data,
        "webhook_url": (form.webhook_url.data or "").strip() or None,
        "expires_after_minutes": form.expires_amount.data * UNITS.get(form.expires_unit.data, 1),
        "reminder_after_minutes": reminder * UNITS.get(form.reminder_unit.data, 1) if reminder else None,
        "cancel_on": [kind.strip() for kind in (form.cancel_on.data or "").split(",") if kind.strip()],
        "cancel_match_attribute": (form.cancel_match_attribute.data or "").strip() or None,
        "priority": form.priority.data,
    }


def apply_trigger_errors(form: TriggerForm, error: ConsoleServiceError) -> None:
    """The service's errors next to the fields they concern (conditions next to their row)."""
    if not isinstance(error, ServiceRefusedError) or not error.field_errors:
        apply_errors(form, error)
        return
    rest: dict[str, list[str]] = {}
    for name, written in error.field_errors.items():
        messages = [localized(message) for message in written]
        parts = name.split(".")
        if parts[0] == "conditions" and len(parts) > 2 and parts[1].isdigit():
            rows = [row for row in form.conditions if (row.form.field.data or "").strip()]
            index = int(parts[1])
            if index < len(rows):
                target = getattr(rows[index].form, parts[2], rows[index].form.value)
                target.errors = [*list(target.errors or []), *messages]
                continue
        if parts[0] == "event_type" and form.event_type_other.data:
            rest.setdefault("event_type_other", []).extend(messages)
            continue
        rest.setdefault(API_TO_FORM.get(parts[0], parts[0]) + "".join("." + p for p in parts[1:]), []).extend(messages)
    apply_errors(form, ServiceRefusedError(error.service, error.status, error.message, rest))
