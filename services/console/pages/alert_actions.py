"""The buttons of ``/alerts/<id>``: send a test notice, mute for a chosen time, unmute. Each is one call to
notifier (which refuses someone else's subscription with 404), audited, and back to the alert's page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import DateTimeLocalField
from wtforms.validators import Optional

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.forms import ConsoleForm
from services.console.pages.support import acting_actor, now, service_problem
from services.console.widgets import SelectField

alert_actions_pages = Blueprint("alert_actions", __name__, url_prefix="/alerts")
MUTE_CHOICES = (("1h", 1, _l("1 hour")), ("4h", 4, _l("4 hours")), ("1d", 24, _l("1 day")),
                ("3d", 72, _l("3 days")), ("1w", 168, _l("1 week")), ("30d", 720, _l("30 days")),
                ("until", None, _l("Until the date and time below")))
LONGEST_MUTE = timedelta(days=366)


class MuteForm(ConsoleForm):
    """Mute an alert for a chosen time."""

    length = SelectField(_l("Mute for"), choices=lambda: [(key, str(label)) for key, _hours, label in MUTE_CHOICES],
                         default="1d")
    until = DateTimeLocalField(_l("Mute until"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


def mute_until(form: MuteForm, *, start: datetime, time_zone: str) -> datetime | str:
    """When the mute the form asks for ends (UTC), or why it cannot: a preset length from ``start``, or the
    date and time typed, read in the person's time zone, after ``start`` and at most a year ahead."""
    choice = form.length.data or ""
    hours = {key: hours for key, hours, _label in MUTE_CHOICES}.get(choice)
    if hours is not None:
        return start + timedelta(hours=hours)
    if choice != "until":
        return _("Choose how long to mute the alert.")
    if form.until.data is None:
        return _("Give the date and time the mute ends.")
    until = form.until.data.replace(tzinfo=ZoneInfo(time_zone))
    if until <= start:
        return _("The end of the mute has to be in the future.")
    if until - start > LONGEST_MUTE:
        return _("A mute can last a year at most; deactivate the alert instead.")
    return until.astimezone(start.tzinfo)


def audit_alert(action: str, subscription: dict[str, Any], **details: Any) -> None:
    """Record a change to an alert subscription in the console's audit log."""
    record_change(get_session(), actor=acting_actor(), now=now(), action=action,
                  target=f"subscription:{subscription['id']}", details={"name": subscription["name"], **details})
    get_session().commit()


def _back(subscription_id: str):
    return redirect(url_for("alerts.detail", subscription_id=subscription_id))


def _refused(error: ConsoleServiceError, subscription_id: str):
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)
    flash(service_problem(error), "error")
    return _back(subscription_id)


@alert_actions_pages.post("/<subscription_id>/test")
@login_required
def test_send(subscription_id: str):
    """Send a sample notice through every channel of the subscription now (CSRF checked by CSRFProtect)."""
    try:
        deliveries = service_clients().notifier.test_send(current_user, subscription_id)
    except ConsoleServiceError as error:
        return _refused(error, subscription_id)
    targets = ", ".join(sorted({d["target"] for d in deliveries}))
    flash(_("A test notice is on its way to: %(targets)s", targets=targets), "success")
    return _back(subscription_id)


@alert_actions_pages.post("/<subscription_id>/mute")
@login_required
def mute(subscription_id: str):
    """Mute until now plus the chosen length: the rule is still evaluated, nothing is sent."""
    form = MuteForm()
    until = mute_until(form, start=now(), time_zone=current_user.time_zone) if form.validate_on_submit() else \
        _("Give the date and time the mute ends.")
    if isinstance(until, str):
        flash(until, "error")
        return _back(subscription_id)
    try:
        saved = service_clients().notifier.mute_subscription(current_user, subscription_id, until)
    except ConsoleServiceError as error:
        return _refused(error, subscription_id)
    audit_alert("alert.muted", saved, until=until.isoformat())
    flash(_("Muted until %(when)s: the rule is still evaluated, but no notice is sent.",
            when=_format(saved["muted_until"])), "success")
    return _back(subscription_id)


@alert_actions_pages.post("/<subscription_id>/unmute")
@login_required
def unmute(subscription_id: str):
    """End the mute now."""
    try:
        saved = service_clients().notifier.mute_subscription(current_user, subscription_id, None)
    except ConsoleServiceError as error:
        return _refused(error, subscription_id)
    audit_alert("alert.unmuted", saved)
    flash(_("Unmuted: notices are sent again."), "success")
    return _back(subscription_id)


def _format(moment) -> str:
    from flask_babel import format_datetime
    return format_datetime(moment, "medium") if moment else ""
