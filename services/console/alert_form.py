"""The alert rule builder: every rule kind and option of the subscriptions API, its scope filters and its
channels (email, Slack, webhook), in a team lead's words, and its translation to and from the API's body
(``shared/contracts/alerts.py``). The form checks the shape of what was typed; notifier decides what is
valid, and its errors come back next to these fields (``apply_alert_errors``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from services.console.clients.base import ConsoleServiceError, ServiceRefusedError
from services.console.forms import REQUIRED, ConsoleForm, _zones
from services.console.pages.support import apply_errors
from services.console.widgets import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from shared.channels import AlertChannelType
from shared.contracts.alerts import LANGUAGES, MAX_CHANNELS, RULE_KINDS, SUBSCRIPTION_METRICS
from shared.contracts.scores import METRICS

METRIC_LABELS = {"nps": _l("NPS"), "csat": _l("CSAT"), "ces": _l("CES"), "volume": _l("Number of answers")}
KIND_LABELS = {"drop": _l("Drop: the score fell significantly against its baseline"),
               "threshold": _l("Threshold: the score is confidently below a target"),
               "low_score": _l("Low scores: each unhappy customer, or a digest")}
BASELINE_LABELS = {"last_n": _l("The previous windows pooled"), "previous": _l("The previous window only")}
LANGUAGE_LABELS = {"en": _l("English"), "ko": _l("Korean")}
UNITS = {"hours": 60, "days": 24 * 60, "weeks": 7 * 24 * 60}
UNIT_LABELS = {"hours": _l("hours"), "days": _l("days"), "weeks": _l("weeks")}
# Where each channel type is typed: several of a type, one per line (emails also by commas).
CHANNEL_FIELDS = {AlertChannelType.EMAIL: "email", AlertChannelType.SLACK: "slack_url",
                  AlertChannelType.WEBHOOK: "webhook_url"}
CHANNEL_TARGET = {AlertChannelType.EMAIL: "address", AlertChannelType.SLACK: "url", AlertChannelType.WEBHOOK: "url"}
SCOPE_LISTS = ("touchpoint", "survey", "channel", "question", "dimension", "driver")
# The API's field names -> this form's (errors come back next to the field that holds them).
API_TO_FORM = {"rule.kind": "kind", "rule.window": "window_amount", "rule.baseline": "baseline",
               "rule.baseline_windows": "baseline_windows", "rule.alpha": "alpha", "rule.min_drop": "min_drop",
               "rule.min_n": "min_n", "rule.target": "target", "rule.digest_minutes": "digest_minutes",
               "scope.segment": "segment", "scope.group_by": "group_by", "cooldown_minutes": "cooldown_amount",
               **{f"scope.{name}": name for name in SCOPE_LISTS}}


def _choices(labels: dict[str, Any], values) -> list[tuple[str, str]]:
    return [(value, str(labels.get(value, value))) for value in values]


def _units() -> list[tuple[str, str]]:
    return _choices(UNIT_LABELS, UNITS)


class AlertForm(ConsoleForm):
    """``/alerts/new`` and ``/alerts/<id>/edit``."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    metric = SelectField(_l("What to watch"), choices=lambda: _choices(METRIC_LABELS, SUBSCRIPTION_METRICS))
    volume_of = SelectField(_l("Count the answers of"), choices=lambda: _choices(METRIC_LABELS, METRICS))
    kind = SelectField(_l("Rule"), choices=lambda: _choices(KIND_LABELS, RULE_KINDS))
    window_amount = IntegerField(_l("Window"), default=7, validators=[InputRequired(REQUIRED), NumberRange(min=1)])
    window_unit = SelectField(_l("Unit of the window"), choices=_units, default="days")
    baseline = SelectField(_l("Compare with"), choices=lambda: _choices(BASELINE_LABELS, BASELINE_LABELS))
    baseline_windows = IntegerField(_l("Number of previous windows"), default=12,
                                    validators=[InputRequired(REQUIRED), NumberRange(min=1, max=52)])
    alpha = DecimalField(_l("False-alarm rate per window"), default=0.05, places=None,
                         validators=[InputRequired(REQUIRED), NumberRange(min=0.001, max=0.5)])
    min_drop = DecimalField(_l("Smallest drop worth an alert"), default=5, places=None,
                            validators=[InputRequired(REQUIRED), NumberRange(min=0, max=200)])
    min_n = IntegerField(_l("Fewest answers per window"), default=30,
                         validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1_000_000)])
    target = DecimalField(_l("Target"), places=None, validators=[Optional()])
    digest_minutes = IntegerField(_l("Digest every (minutes)"), validators=[Optional(), NumberRange(min=1, max=1440)])
    touchpoint = StringField(_l("Touchpoints"), validators=[Optional(), Length(max=1000)])
    survey = StringField(_l("Surveys (ids)"), validators=[Optional(), Length(max=1000)])
    channel = StringField(_l("Survey channels"), validators=[Optional(), Length(max=500)])
    question = StringField(_l("Questions (keys)"), validators=[Optional(), Length(max=1000)])
    dimension = StringField(_l("Experience dimensions"), validators=[Optional(), Length(max=500)])
    driver = StringField(_l("Driver tags"), validators=[Optional(), Length(max=500)])
    segment = StringField(_l("Segments"), validators=[Optional(), Length(max=1000)])
    group_by = StringField(_l("One alert per"), validators=[Optional(), Length(max=200)])
    email = TextAreaField(_l("Email addresses"), validators=[Optional(), Length(max=MAX_CHANNELS * 321)])
    slack_url = TextAreaField(_l("Slack incoming webhooks"), validators=[Optional(), Length(max=MAX_CHANNELS * 2001)])
    webhook_url = TextAreaField(_l("Webhook addresses"), validators=[Optional(), Length(max=MAX_CHANNELS * 2001)])
    webhook_secret = PasswordField(_l("Webhook signing secret"), validators=[Optional(), Length(min=16, max=200)])
    lang = SelectField(_l("Language of the notices"), choices=lambda: _choices(LANGUAGE_LABELS, LANGUAGES))
    time_zone = SelectField(_l("Time zone of the notices"), choices=_zones)
    cooldown_amount = IntegerField(_l("Repeat a firing alert every"), default=1,
                                   validators=[InputRequired(REQUIRED), NumberRange(min=1)])
    cooldown_unit = SelectField(_l("Unit of the repeat"), choices=_units, default="days")
    active = BooleanField(_l("Active: evaluate this rule and send its notices"), default=True)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def _amount(minutes: int) -> tuple[int, str]:
    for unit in ("weeks", "days", "hours"):
        if minutes % UNITS[unit] == 0:
            return minutes // UNITS[unit], unit
    return max(1, round(minutes / 60)), "hours"


def _window_text(form: AlertForm) -> str:
    amount, unit = int(form.window_amount.data or 0), form.window_unit.data
    return f"{amount}h" if unit == "hours" else f"{amount * (7 if unit == 'weeks' else 1)}d"


def _window_minutes(text: str) -> int:
    amount, unit = int(text[:-1] or 0), text[-1:]
    return amount * {"h": 60, "d": 24 * 60, "w": 7 * 24 * 60}.get(unit, 24 * 60)


def rule_body(form: AlertForm) -> dict[str, Any]:
    """The ``rule`` of the API from the form (options of other kinds left out)."""
    kind = form.kind.data
    if kind == "low_score":
        return {"kind": kind, "digest_minutes": form.digest_minutes.data or None}
    rule: dict[str, Any] = {"kind": kind, "window": _window_text(form), "baseline": form.baseline.data,
                            "baseline_windows": form.baseline_windows.data, "alpha": float(form.alpha.data),
                            "min_n": form.min_n.data}
    if kind == "drop":
        rule["min_drop"] = float(form.min_drop.data)
    else:
        rule["target"] = float(form.target.data) if form.target.data is not None else None
    return rule


def scope_body(form: AlertForm) -> dict[str, Any]:
    """The ``scope`` of the API: comma lists, segments as attribute:value, at most two groupings."""
    scope: dict[str, Any] = {name: _split(getattr(form, name).data) for name in SCOPE_LISTS}
    scope["segment"] = _split(form.segment.data)
    scope["group_by"] = _split(form.group_by.data)
    return {name: values for name, values in scope.items() if values}


def _lines(text: str | None, *, commas: bool) -> list[str]:
    """Distinct non-empty entries, in the order typed: one per line (and per comma when ``commas``)."""
    text = (text or "").replace(",", "\n") if commas else (text or "")
    return list(dict.fromkeys(part.strip() for part in text.splitlines() if part.strip()))


def channels_body(form: AlertForm) -> list[dict[str, Any]]:
    """Every email address, Slack webhook and webhook typed, in that order; all webhooks are signed with
    the one secret typed (notifier checks each, at most ``MAX_CHANNELS`` in all)."""
    channels: list[dict[str, Any]] = []
    for kind, name in CHANNEL_FIELDS.items():
        for target in _lines(getattr(form, name).data, commas=kind == AlertChannelType.EMAIL):
            channel = {"type": kind.value, CHANNEL_TARGET[kind]: target}
            if kind == AlertChannelType.WEBHOOK:
                channel["secret"] = form.webhook_secret.data or None
            channels.append(channel)
    return channels


def alert_body(form: AlertForm, *, with_channels: bool = True) -> dict[str, Any]:
    """The body of ``POST /v1/subscriptions`` (and of a backtest) from the form."""
    body: dict[str, Any] = {"name": form.name.data or "", "metric": form.metric.data, "volume_of": form.volume_of.data,
                            "scope": scope_body(form), "rule": rule_body(form), "lang": form.lang.data,
                            "time_zone": form.time_zone.data,
                            "cooldown_minutes": int(form.cooldown_amount.data or 1) * UNITS[form.cooldown_unit.data],
                            "active": bool(form.active.data)}
    if with_channels:
        body["channels"] = channels_body(form)
    return body


def fill_from_subscription(form: AlertForm, subscription: dict[str, Any]) -> None:
    """Put a stored subscription into the form (a webhook's secret is never returned: typed again to change it)."""
    rule, scope = subscription.get("rule") or {}, subscription.get("scope") or {}
    form.name.data, form.metric.data = subscription["name"], subscription["metric"]
    form.volume_of.data, form.kind.data = subscription.get("volume_of") or "nps", rule.get("kind", "drop")
    minutes = _window_minutes(str(rule.get("window") or "7d"))
    form.window_amount.data, form.window_unit.data = _amount(minutes)
    for name in ("baseline", "baseline_windows", "alpha", "min_drop", "min_n", "target", "digest_minutes"):
        if rule.get(name) is not None:
            getattr(form, name).data = rule[name]
    for name in (*SCOPE_LISTS, "segment", "group_by"):
        getattr(form, name).data = ", ".join(str(value) for value in scope.get(name) or [])
    for kind, name in CHANNEL_FIELDS.items():
        getattr(form, name).data = "\n".join(str(channel.get(CHANNEL_TARGET[kind]) or "")
                                             for channel in subscription.get("channels") or []
                                             if channel["type"] == kind)
    form.lang.data, form.time_zone.data = subscription.get("lang", "en"), subscription.get("time_zone", "UTC")
    form.cooldown_amount.data, form.cooldown_unit.data = _amount(int(subscription.get("cooldown_minutes") or 1440))
    form.active.data = bool(subscription.get("active", True))


def apply_alert_errors(form: AlertForm, error: ConsoleServiceError) -> None:
    """Notifier's per-field errors next to the builder's fields (``rule.min_n`` -> min_n, a channel's -> its field)."""
    if isinstance(error, ServiceRefusedError) and error.field_errors:
        renamed: dict[str, list[str]] = {}
        typed = channels_body(form)
        for name, messages in error.field_errors.items():
            target = API_TO_FORM.get(name) or API_TO_FORM.get(".".join(name.split(".")[:2])) or name
            if name.startswith("channels"):
                target = _channel_field(name, typed)
            renamed.setdefault(target, []).extend(messages)
        error = ServiceRefusedError(error.service, error.status, error.message, renamed)
    apply_errors(form, error)


def _channel_field(name: str, typed: list[dict[str, Any]]) -> str:
    """The field holding the channel an error names (``channels.<index>.<field>``): the secret's own field
    for a secret, else the list its channel was typed in (the email list for the list as a whole)."""
    if "secret" in name:
        return "webhook_secret"
    parts = name.split(".")
    index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
    if 0 <= index < len(typed):
        return CHANNEL_FIELDS[AlertChannelType(typed[index]["type"])]
    return "email"
