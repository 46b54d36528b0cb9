"""``/triggers``: the list, the editor with every option of the trigger API, and the dry run.

The survey service decides and enforces (only marketers and admins change triggers); these routes
translate the form into one API call, put the service's errors next to the fields, and audit changes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.pages.support import acting_actor, apply_errors, now, optional_reads
from services.console.trigger_decisions import channel_label, duration, explain_preview, moment
from services.console.trigger_form import (
    OPERATOR_LABELS,
    DryRunForm,
    TriggerForm,
    apply_trigger_errors,
    fill_from_trigger,
    trigger_body,
)
from shared.statuses import SurveyStatus

triggers_pages = Blueprint("triggers", __name__, url_prefix="/triggers")
EDITORS = ("admin", "marketer")
RECENT_EVENTS = 10


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)


@triggers_pages.get("")
@login_required
def index():
    """Every trigger with its event, survey, timing and channel, and the contact rules."""
    survey = service_clients().survey
    try:
        triggers = survey.list_triggers(current_user)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise
    reads = optional_reads({"surveys": survey.list_surveys, "rules": survey.contact_rules})
    (surveys, _problem), (rules, rules_problem) = reads["surveys"], reads["rules"]
    return render_template("pages/triggers/list.html", triggers=triggers, rules=rules, rules_problem=rules_problem,
                           surveys={item["id"]: item for item in surveys or []}, can_edit=current_user.role in EDITORS)


def _editor_read(trigger_id: int | None) -> Callable[..., dict[str, Any]]:
    """The editor's one read of the survey service (``GET /v1/trigger-editor``): published surveys, event
    types and contact rules and, for a stored trigger, the trigger and the recent events of its type."""
    return functools.partial(service_clients().survey.trigger_editor, trigger_id=trigger_id,
                             events_limit=RECENT_EVENTS)


def _editor_reply(waiting: Callable[[], Any]) -> tuple[dict[str, Any], None]:
    """The editor's read for a stored trigger (sent by :func:`_send_editor_read`), which the page cannot do
    without: a refusal or a missing trigger is the service's own answer (403, 404); a service down is the
    error page that names it."""
    try:
        return waiting(), None
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise


def _send_editor_read(trigger_id: int) -> Callable[[], Any]:
    """Send the editor's read of a stored trigger now; the page builds its forms while the service answers
    (on this thread: the request is out before the forms are begun, and nothing waits to send)."""
    return service_clients().survey.begin_trigger_editor(current_user._get_current_object(), trigger_id=trigger_id,
                                                         events_limit=RECENT_EVENTS)


def _choices(form: TriggerForm, trigger: dict[str, Any] | None,
             got: tuple[dict[str, Any] | None, str | None] | None = None) -> dict[str, Any]:
    """Fill the survey and event type pickers; returns what the page shows beside them, and the recent
    events of the trigger's type for the dry run. ``got``: the editor's read when already made, as
    ``(reply, problem)``; without it the read is made here (a service down is then a notice on the form)."""
    choices, problem = got or optional_reads({"editor": _editor_read(trigger["id"] if trigger else None)})["editor"]
    choices = choices or {}
    surveys = choices.get("surveys") or []
    published = [item for item in surveys if item.get("status") == SurveyStatus.PUBLISHED]
    form.survey_id.choices = [("", _("Choose a published survey"))] + [(str(item["id"]), item["name"])
                                                                        for item in published]
    if trigger and not any(str(item["id"]) == str(trigger["survey_id"]) for item in published):
        form.survey_id.choices.append((str(trigger["survey_id"]), _("Survey %(id)s (not published)",
                                                                    id=trigger["survey_id"])))
    event_types = choices.get("event_types") or []
    form.event_type.choices = [("", _("Choose an event type"))] + [
        (item["type"], _("%(type)s · %(count)s events, last %(when)s", type=item["type"],
                         count=f"{item['count']:,}", when=moment(item["last_received_at"])))
        for item in event_types]
    current = (trigger or {}).get("event_type") or form.event_type.data
    if current and not any(item["type"] == current for item in event_types):
        form.event_type.choices.append((current, _("%(type)s · not seen yet", type=current)))
    return {"surveys": {item["id"]: item for item in surveys}, "event_types": event_types,
            "rules": choices.get("contact_rules"), "read_problems": [problem] if problem else [],
            "recent": (choices.get("recent_events"), problem)}


def _render_editor(form: TriggerForm, trigger: dict[str, Any] | None, status: int = 200,
                   context: dict[str, Any] | None = None, **extra: Any):
    context = context or _choices(form, trigger)
    if trigger is not None and "dry_run" not in extra:
        extra["dry_run"] = _dry_run_form(*context["recent"], form=context.get("dry_run_form"))
    page = {name: value for name, value in context.items() if name not in ("recent", "dry_run_form")}
    return render_template("pages/triggers/edit.html", form=form, trigger=trigger,
                           can_edit=current_user.role in EDITORS, **page, **extra), status


def _save(form: TriggerForm, trigger: dict[str, Any] | None, context: dict[str, Any]):
    """Create or update through the survey service; the change and the audit entry, or the form again."""
    clients, body = service_clients(), trigger_body(form)
    try:
        if trigger is None:
            saved = clients.survey.create_trigger(current_user, body)
        else:
            saved = clients.survey.update_trigger(current_user, trigger["id"], body)
    except ConsoleServiceError as error:
        apply_trigger_errors(form, error)
        status = 503 if not isinstance(error, ServiceRefusedError) else (403 if error.status == 403 else 422)
        return _render_editor(form, trigger, status, context)
    changed = sorted(name for name, value in body.items() if trigger is None or trigger.get(name) != value)
    record_change(get_session(), actor=acting_actor(), now=now(),
                  action="trigger.created" if trigger is None else "trigger.updated", target=f"trigger:{saved['id']}",
                  details={"name": saved["name"], "event_type": saved["event_type"], "survey_id": saved["survey_id"],
                           "changed": changed})
    get_session().commit()
    flash(_("Trigger “%(name)s” is saved.", name=saved["name"]), "success")
    return redirect(url_for("triggers.edit", trigger_id=saved["id"]))


@triggers_pages.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A new trigger; the survey service checks it and says what is wrong, next to the field.

    Only for the roles that may create one (the service refuses the others anyway): the page would
    offer nothing to anyone else.
    """
    if current_user.role not in EDITORS:
        abort(403)
    form = TriggerForm()
    if request.method == "GET" and request.args.get("event_type"):
        form.event_type.data = request.args["event_type"]
    return _editor_post(form, None)


@triggers_pages.route("/<int:trigger_id>", methods=["GET", "POST"])
@login_required
def edit(trigger_id: int):
    """One trigger: its options, the contact rules that apply, and the dry run (all in one read)."""
    waiting = _send_editor_read(trigger_id)
    form, dry_run_form = TriggerForm(), DryRunForm(formdata=None)  # while the read travels
    got = _editor_reply(waiting)
    trigger = got[0]["trigger"]
    if request.method == "GET":
        fill_from_trigger(form, trigger)
    return _editor_post(form, trigger, got, dry_run_form)


def _editor_post(form: TriggerForm, trigger: dict[str, Any] | None,
                 got: tuple[dict[str, Any] | None, str | None] | None = None, dry_run_form: DryRunForm | None = None):
    context = _choices(form, trigger, got)
    if dry_run_form is not None:
        context["dry_run_form"] = dry_run_form
    if request.method == "GET":
        return _render_editor(form, trigger, context=context)
    if "add_condition" in request.form:  # another blank row, without saving (works without JavaScript)
        if len(form.conditions) < form.conditions.max_entries:
            form.conditions.append_entry()
        return _render_editor(form, trigger, context=context)
    if not form.validate_on_submit():
        return _render_editor(form, trigger, 422, context)
    return _save(form, trigger, context)


def _dry_run_form(events: list[dict[str, Any]] | None, problem: str | None,
                  form: DryRunForm | None = None) -> dict[str, Any]:
    """The dry run's form (``form`` when already built, empty) with the recent real events of the trigger's type."""
    form = form or DryRunForm(formdata=None)
    _event_choices(form, events or [])
    return {"form": form, "events": events or [], "problem": problem}


def _event_choices(form: DryRunForm, events: list[dict[str, Any]]) -> None:
    form.event_id.choices = [("", _("Choose an event"))] + [
        (event["id"], _("%(when)s · customer %(customer)s · %(attributes)s", when=moment(event["occurred_at"]),
                        customer=event["customer_id"],
                        attributes=", ".join(f"{k}={v}" for k, v in list(event.get("attributes", {}).items())[:4])
                        or _("no attributes")))
        for event in events]


def _event_for_preview(form: DryRunForm, trigger: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event to try: the picked real one, or the pasted JSON (type and time filled in when left out)."""
    if form.event_id.data:
        picked = next((event for event in events if event["id"] == form.event_id.data), None)
        if picked is None:
            form.event_id.errors = [_("That event is no longer among the recent ones; choose again.")]
            return None
        return {"id": picked["id"], "type": picked["type"], "occurred_at": picked["occurred_at"].isoformat(),
                "customer": {"id": picked["customer_id"]}, "attributes": picked.get("attributes") or {}}
    text = (form.event_json.data or "").strip()
    if not text:
        form.event_id.errors = [_("Choose a recent event or paste one.")]
        return None
    try:
        pasted = json.loads(text)
    except ValueError as error:
        form.event_json.errors = [_("This is not valid JSON: %(problem)s", problem=str(error))]
        return None
    if not isinstance(pasted, dict):
        form.event_json.errors = [_("Paste one event: a JSON object with customer, attributes and so on.")]
        return None
    pasted.setdefault("type", trigger["event_type"])
    pasted.setdefault("occurred_at", now().isoformat())
    return pasted


@triggers_pages.post("/<int:trigger_id>/dry-run")
@login_required
def dry_run(trigger_id: int):
    """What the trigger would do with a real or pasted event: the decision and its reasons; nothing is written."""
    survey = service_clients().survey
    waiting = _send_editor_read(trigger_id)
    form = DryRunForm()
    got = _editor_reply(waiting)
    trigger = got[0]["trigger"]
    trigger_form = TriggerForm(formdata=None)
    fill_from_trigger(trigger_form, trigger)
    context = _choices(trigger_form, trigger, got)
    events, problem = context["recent"]
    _event_choices(form, events or [])
    result, explanation, status = None, None, 200
    if not form.validate_on_submit():
        status = 422
    elif (event := _event_for_preview(form, trigger, events or [])) is None:
        status = 422
    else:
        try:
            result = survey.preview_trigger(current_user, trigger_id, event)
        except ConsoleServiceError as error:
            if isinstance(error, ServiceRefusedError) and error.field_errors:
                form.event_json.errors = [f"{name.removeprefix('event.')}: {' '.join(messages)}"
                                          for name, messages in error.field_errors.items()]
                if not form.event_json.data:  # a real event the service refused: show it as pasted
                    form.event_json.data = json.dumps(event, ensure_ascii=False, indent=2)
            else:
                apply_errors(form, error)
            status = 403 if isinstance(error, ServiceRefusedError) and error.status == 403 else 422
        else:
            explanation = explain_preview(result, trigger=trigger, rules=context["rules"], now=now())
    dry = {"form": form, "events": events or [], "problem": problem, "result": result, "explanation": explanation}
    return _render_editor(trigger_form, trigger, status, context, dry_run=dry)


@triggers_pages.context_processor
def _words() -> dict[str, Any]:
    return {"duration": duration, "channel_label": channel_label,
            "operator_label": lambda op: OPERATOR_LABELS.get(op, op)}
