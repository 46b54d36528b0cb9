"""``/responses``: the inbox (filters, search in comments, pages, a selection for bulk triage, exports) and
``/responses/<id>``: one response with every answer, the customer's attributes at answer time, the event
that asked it, and its triage. The survey service decides who may read (admins, marketers, analysts) and
who may triage (admins, marketers); every change is audited here."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.exports import FORMATS, export_response
from services.console.pages.support import acting_actor, now, optional_reads, service_problem
from services.console.response_inbox import (
    EXPORT_COLUMNS,
    PAGE_SIZE,
    STATUS_LABELS,
    STATUS_TONES,
    export_row,
    read_inbox_filters,
)
from services.console.response_triage import answer_rows, read_change, triage_details
from services.console.trigger_decisions import channel_label
from shared.statuses import ResponseStatus

responses_pages = Blueprint("responses", __name__, url_prefix="/responses")
TRIAGE_ROLES = ("admin", "marketer")


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)


@responses_pages.get("")
@login_required
def index():
    """One page of responses, newest first, with the filters of the URL."""
    filters = read_inbox_filters(request.args)
    params = filters.api_params(current_user.time_zone)
    cursor = (request.args.get("cursor") or "")[:200] or None
    try:
        rows, next_cursor = service_clients().survey.list_responses(
            current_user, {**params, "limit": PAGE_SIZE, "cursor": cursor})
    except ConsoleServiceError as error:
        _refused_as_page(error)
        if isinstance(error, ServiceRefusedError) and error.status == 422:  # a filter the service refuses
            flash(service_problem(error), "error")
            rows, next_cursor = [], None
        else:
            raise
    surveys, _problem = optional_reads({"surveys": service_clients().survey.list_surveys})["surveys"]
    return render_template("pages/responses/list.html", responses=rows, next_cursor=next_cursor, cursor=cursor,
                           filters=filters, surveys={s["id"]: s["name"] for s in surveys or []},
                           may_triage=current_user.role in TRIAGE_ROLES)


@responses_pages.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """Every response the filters match, as CSV (streamed) or XLSX; no row limit."""
    if fmt not in FORMATS:
        abort(404)
    filters, person, tz_name = read_inbox_filters(request.args), current_user._get_current_object(), current_user.time_zone
    survey = service_clients().survey
    try:  # the first page before the reply starts, so a refusal or a service down is a page, not a broken file
        first, cursor = survey.list_responses(person, {**filters.api_params(tz_name), "limit": 1000})
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise

    def rows():
        yield from (export_row(record, tz_name) for record in first)
        if cursor:
            rest = survey.every_response(person, {**filters.api_params(tz_name), "cursor": cursor})
            yield from (export_row(record, tz_name) for record in rest)

    return export_response(fmt, EXPORT_COLUMNS, rows(), "responses")


@responses_pages.get("/<response_id>")
@login_required
def detail(response_id: str):
    """One response: answers with their questions, attributes at answer time, the event, the triage."""
    survey = service_clients().survey
    try:
        response = survey.get_response(current_user, response_id[:64])
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise
    version, problem = optional_reads({"version": lambda person: survey.get_version(
        person, int(response["survey_id"]), response["survey_version"])})["version"]
    definition = (version or {}).get("definition") or {}
    return render_template("pages/responses/detail.html", response=response, definition=definition,
                           answers=answer_rows(response, definition, current_user.language),
                           definition_problem=problem, notes=triage_details(response, get_session()),
                           may_triage=current_user.role in TRIAGE_ROLES)


@responses_pages.post("/<response_id>/triage")
@login_required
def triage(response_id: str):
    """Change one response's status, tags or test exclusion; audited."""
    change = read_change(request.form)
    if change is None:
        flash(_("Choose a status, a tag, or whether the response counts, then save."), "error")
        return redirect(url_for("responses.detail", response_id=response_id))
    try:
        service_clients().survey.change_triage(current_user, response_id[:64], change)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(url_for("responses.detail", response_id=response_id))
    _audit(_action_of(change), f"response:{response_id[:64]}", change)
    flash(_("Saved."), "success")
    return redirect(url_for("responses.detail", response_id=response_id))


@responses_pages.post("/<response_id>/notes")
@login_required
def add_note(response_id: str):
    """Add an internal note; audited (without its text, which may name the customer)."""
    text = (request.form.get("note") or "").strip()
    if not text:
        flash(_("Write the note first."), "error")
        return redirect(url_for("responses.detail", response_id=response_id))
    try:
        note = service_clients().survey.add_note(current_user, response_id[:64], text[:2000])
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(url_for("responses.detail", response_id=response_id))
    _audit("response.noted", f"response:{response_id[:64]}", {"note_id": note["id"]})
    flash(_("Note added."), "success")
    return redirect(url_for("responses.detail", response_id=response_id) + "#notes")


@responses_pages.post("/triage")
@login_required
def bulk_triage():
    """The same change for the responses ticked in the inbox; audited; back to the same filters."""
    ids = [i[:64] for i in request.form.getlist("response_id") if i][:500]
    change = read_change(request.form)
    back = _back_to_inbox(request.form.get("back"))
    if not ids or change is None:
        flash(_("Tick at least one response and choose what to do with it."), "error")
        return redirect(back)
    try:
        result = service_clients().survey.bulk_triage(current_user, ids, change)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(back)
    _audit(_action_of(change), f"responses:{len(ids)}", {**change, "response_ids": ids})
    flash(ngettext("%(num)d response changed.", "%(num)d responses changed.", result["changed"]), "success")
    return redirect(back)


def _back_to_inbox(back: str | None) -> str:
    """The inbox with the filters the selection was made under (only its filters are kept: no open redirect)."""
    query = MultiDict(parse_qsl(urlsplit(back or "").query))
    return url_for("responses.index", **read_inbox_filters(query).query())


def _action_of(change: dict[str, Any]) -> str:
    if change.get("excluded") is True:
        return "response.excluded"
    if change.get("excluded") is False:
        return "response.included"
    return "response.triaged"


def _audit(action: str, target: str, details: dict[str, Any]) -> None:
    record_change(get_session(), actor=acting_actor(), action=action, target=target, now=now(), details=details)
    get_session().commit()


@responses_pages.context_processor
def _words() -> dict[str, Any]:
    return {"status_label": lambda s: STATUS_LABELS.get(s, s), "status_tone": lambda s: STATUS_TONES.get(s, "neutral"),
            "channel_label": channel_label,
            "response_statuses": [(s.value, STATUS_LABELS[s]) for s in ResponseStatus]}
