"""``/alerts/new`` and ``/alerts/<id>/edit``: the rule builder, its backtest and saving.

"Backtest" posts the form and shows what the rule would have done over the last weeks (notifier decides
each past window with the worker's own code; nothing is sent or stored), with the form as typed, so a
lead can adjust and try again before saving. Works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from services.console.alert_form import AlertForm, alert_body, apply_alert_errors, channels_body, fill_from_subscription
from services.console.alert_views import metric_words, windows_charts
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.pages.alert_actions import audit_alert
from services.console.pages.alerts import refused_as_page
from shared.contracts.alerts import MAX_CHANNELS

alert_builder_pages = Blueprint("alert_builder", __name__, url_prefix="/alerts")
EDITORS = ("admin", "team_lead")  # the roles notifier lets keep subscriptions
WEEK_CHOICES = ((4, _l("4 weeks")), (12, _l("12 weeks")), (26, _l("26 weeks")), (52, _l("52 weeks")))
DEFAULT_WEEKS = 26


def _weeks() -> int:
    try:
        weeks = int(request.form.get("backtest_weeks") or DEFAULT_WEEKS)
    except ValueError:
        return DEFAULT_WEEKS
    return weeks if weeks in dict(WEEK_CHOICES) else DEFAULT_WEEKS


def _render(form: AlertForm, subscription: dict[str, Any] | None, status: int = 200, **extra: Any):
    return render_template("pages/alerts/edit.html", form=form, s=subscription, week_choices=WEEK_CHOICES,
                           max_channels=MAX_CHANNELS,
                           metric_text=metric_words(subscription) if subscription else "",
                           weeks=_weeks() if request.method == "POST" else DEFAULT_WEEKS, **extra), status


def _status_of(error: ConsoleServiceError) -> int:
    if not isinstance(error, ServiceRefusedError):
        return 503
    return 403 if error.status == 403 else 422


def _backtest(form: AlertForm, subscription: dict[str, Any] | None):
    """Run the backtest of the rule as typed and show it under the form."""
    body = alert_body(form, with_channels=False)
    if subscription is not None:
        body["metric"], body["volume_of"] = subscription["metric"], subscription["volume_of"]
    if body["rule"]["kind"] == "low_score":
        form.kind.errors = [_("Low-score rules send each unhappy customer as it comes: there are no windows to "
                              "backtest. Choose a drop or threshold rule to try it on past data.")]
        return _render(form, subscription, 422)
    weeks = _weeks()
    try:
        reply = service_clients().notifier.backtest_rule(current_user, {**body, "weeks": weeks})
    except ConsoleServiceError as error:
        apply_alert_errors(form, error)
        return _render(form, subscription, _status_of(error))
    charts = windows_charts(reply, body, tz=current_user.time_zone,
                            title=_("%(metric)s over the last %(weeks)d weeks", metric=metric_words(body), weeks=weeks))
    return _render(form, subscription, backtest=reply, charts=charts)


def _changes(form: AlertForm, subscription: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body: everything the form holds but the metric (a new metric is a new alert); the channels
    only when they changed or a webhook secret was typed (notifier never returns a secret)."""
    body = alert_body(form)
    body.pop("metric"), body.pop("volume_of")
    stored = sorted((c["type"], c.get("address") or c.get("url") or "") for c in subscription["channels"])
    typed = sorted((c["type"], c.get("address") or c.get("url") or "") for c in channels_body(form))
    if typed == stored and not form.webhook_secret.data:
        body.pop("channels")
    return body


def _save(form: AlertForm, subscription: dict[str, Any] | None):
    notifier = service_clients().notifier
    try:
        if subscription is None:
            saved = notifier.create_subscription(current_user, alert_body(form))
        else:
            saved = notifier.update_subscription(current_user, subscription["id"], _changes(form, subscription))
    except ConsoleServiceError as error:
        refused = isinstance(error, ServiceRefusedError) and error.status == 404
        if refused:
            abort(404)
        apply_alert_errors(form, error)
        return _render(form, subscription, _status_of(error))
    audit_alert("alert.created" if subscription is None else "alert.updated", saved, rule=saved["rule"].get("kind"))
    flash(_("Alert “%(name)s” is saved.", name=saved["name"]), "success")
    return redirect(url_for("alerts.detail", subscription_id=saved["id"]))


def _post(form: AlertForm, subscription: dict[str, Any] | None):
    if not form.validate_on_submit():
        return _render(form, subscription, 422)
    if "backtest" in request.form:
        return _backtest(form, subscription)
    if not channels_body(form):
        form.email.errors = [_("Give at least one place to send notices: an email address, Slack or a webhook.")]
        return _render(form, subscription, 422)
    return _save(form, subscription)


@alert_builder_pages.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A new alert rule, with a backtest before saving."""
    if current_user.role not in EDITORS:
        abort(403)
    form = AlertForm()
    if request.method == "GET":
        form.email.data, form.lang.data = current_user.email, current_user.language
        form.time_zone.data, form.metric.data = current_user.time_zone, "csat"
        return _render(form, None)
    return _post(form, None)


@alert_builder_pages.route("/<subscription_id>/edit", methods=["GET", "POST"])
@login_required
def edit(subscription_id: str):
    """Change an alert's rule, scope and channels (its metric stays: a new metric is a new alert)."""
    try:
        subscription = service_clients().notifier.read_subscription(current_user, subscription_id)
    except ConsoleServiceError as error:
        refused_as_page(error)
        raise
    form = AlertForm()
    if request.method == "GET":
        fill_from_subscription(form, subscription)
        return _render(form, subscription)
    form.metric.data, form.volume_of.data = subscription["metric"], subscription["volume_of"]
    return _post(form, subscription)
