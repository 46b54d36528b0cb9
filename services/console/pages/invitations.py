"""``/invitations``: the send log, with the reason for every invitation not (yet) sent; one invitation's
decisions. Filters by survey, trigger, status and customer; paged. Read-only: the service decides who
may read it (marketers, analysts, admins)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.exports import FORMATS, export_response, in_zone
from services.console.trigger_decisions import channel_label, explain_invitation, moment, status_label, status_tone
from shared.statuses import InvitationStatus

invitations_pages = Blueprint("invitations", __name__, url_prefix="/invitations")
PAGE_SIZE = 50
EXPORT_PAGE = 1000
MAX_OFFSET = 1_000_000


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)


def _filters() -> dict[str, Any]:
    """The query's filters, kept only when well formed (a tampered one is dropped, not a 500)."""
    args, found = request.args, {}
    for name in ("survey_id", "trigger_id"):
        value = args.get(name, "")
        if value.isdigit() and 0 < int(value) < 2 ** 62:
            found[name] = int(value)
    if args.get("status") in {status.value for status in InvitationStatus}:
        found["status"] = args["status"]
    customer = args.get("customer_id", "").strip()
    if customer:
        found["customer_id"] = customer[:200]
    return found


def _offset() -> int:
    value = request.args.get("offset", "0")
    return min(int(value), MAX_OFFSET) if value.isdigit() else 0


@invitations_pages.get("")
@login_required
def index():
    """One page of invitations, newest first, with status and reason."""
    survey, filters, offset = service_clients().survey, _filters(), _offset()
    try:
        rows = survey.list_invitations(current_user, **filters, limit=PAGE_SIZE + 1, offset=offset)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise
    surveys, triggers = _names(survey.list_surveys), _names(survey.list_triggers)
    return render_template("pages/invitations/list.html", invitations=rows[:PAGE_SIZE], has_older=len(rows) > PAGE_SIZE,
                           offset=offset, page_size=PAGE_SIZE, filters=filters, surveys=surveys, triggers=triggers,
                           statuses=[(status.value, status_label(status)) for status in InvitationStatus])


EXPORT_COLUMNS = ("invitation_id", "created_at", "status", "why", "customer_id", "survey", "survey_version", "trigger",
                  "channel")


@invitations_pages.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """The whole send log under the page's filters, as CSV (streamed) or XLSX; no row limit."""
    if fmt not in FORMATS:
        abort(404)
    survey, filters, person = service_clients().survey, _filters(), current_user._get_current_object()
    try:  # the first page before the reply starts: a refusal or a service down is a page, not a broken file
        first = survey.list_invitations(person, **filters, limit=EXPORT_PAGE, offset=0)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise
    surveys, triggers, zone = _names(survey.list_surveys), _names(survey.list_triggers), current_user.time_zone

    def rows():
        page, offset = first, 0
        while page:
            for inv in page:
                yield [inv["id"], in_zone(inv["created_at"], zone),
                       status_label(inv["status"]), explain_invitation(inv), inv["customer_id"],
                       surveys.get(inv["survey_id"], inv["survey_id"]), inv["survey_version"],
                       triggers.get(inv.get("trigger_id"), inv.get("trigger_id")), channel_label(inv["channel"])]
            if len(page) < EXPORT_PAGE:
                return
            offset += EXPORT_PAGE
            page = survey.list_invitations(person, **filters, limit=EXPORT_PAGE, offset=offset)

    return export_response(fmt, EXPORT_COLUMNS, rows(), "invitations")


def _names(call) -> dict[int, str]:
    try:
        return {item["id"]: item["name"] for item in call(current_user)}
    except ConsoleServiceError:  # the log still shows, with ids
        return {}


@invitations_pages.get("/<int:invitation_id>")
@login_required
def detail(invitation_id: int):
    """One invitation and every decision taken about it, oldest first."""
    survey = service_clients().survey
    try:
        invitation = survey.get_invitation(current_user, invitation_id)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise
    return render_template("pages/invitations/detail.html", invitation=invitation,
                           surveys=_names(survey.list_surveys), triggers=_names(survey.list_triggers))


@invitations_pages.context_processor
def _words() -> dict[str, Any]:
    return {"status_label": status_label, "status_tone": status_tone, "explain": explain_invitation,
            "moment": moment, "channel_label": channel_label}
