"""``/cases``: close-the-loop cases (mine, my team's, unassigned, overdue; by status; in pages) and
``/cases/<id>``: one case with the customer's answers, the playbook, its times and history, the forms
that act on it, and the customer's other responses and cases.

Notifier owns the cases and decides who reaches which (a team lead: the scope of their subscriptions;
a case outside it is "not found"); these routes translate a form into one API call, say what notifier
answered, and audit every change.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.common.db import get_session
from services.console.audit import record_change
from services.console.case_forms import (
    AssignForm,
    NoteForm,
    ResolveForm,
    assignable_people,
    chosen_person,
    names_of,
    person_choices,
)
from services.console.case_view import (
    HISTORY_LABELS,
    OUTCOME_LABELS,
    STATUS_FILTER_LABELS,
    STATUS_LABELS,
    VIEW_LABELS,
    answer_rows,
    instruction,
    label,
    segment_text,
    span,
    status_tone,
)
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.exports import FORMATS, export_refused, export_response
from services.console.pages.support import acting_actor, now, optional_reads, service_problem
from services.console.table_exports import CASES_COLUMNS, case_rows
from services.console.trigger_decisions import channel_label
from shared.contracts.cases import MAX_CASE_PAGE, SYSTEM_ACTOR, CaseView
from shared.statuses import CaseStatus

cases_pages = Blueprint("cases", __name__, url_prefix="/cases")
PAGE_SIZE = 25
OTHER_ROWS = 20
DEFAULT_VIEW, DEFAULT_STATUS = CaseView.TEAM, "active"


def not_found_page():
    """The case is unknown or outside the person's reach: one clear sentence, never which of the two."""
    return render_template("errors/error.html", code=404, title=_("Case not found"),
                           text=_("There is no case at this address that you can open. Cases you can see are "
                                  "those of your subscriptions' touchpoints and segments; ask an admin if you "
                                  "need this one.")), 404


def _refused_as_page(error: ConsoleServiceError):
    if isinstance(error, ServiceRefusedError) and error.status == 404:
        return not_found_page()
    if isinstance(error, ServiceRefusedError) and error.status == 403:
        abort(403)
    raise error


def _view_and_status() -> tuple[str, str]:
    view = request.args.get("view") if request.args.get("view") in VIEW_LABELS else DEFAULT_VIEW
    status = request.args.get("status", DEFAULT_STATUS)
    return view, status if status in STATUS_FILTER_LABELS else DEFAULT_STATUS


@cases_pages.get("")
@login_required
def index():
    """One page of cases of a view and status, newest first."""
    view, status = _view_and_status()
    cursor = (request.args.get("cursor") or "")[:200] or None
    problem = None
    try:
        items, next_cursor = service_clients().notifier.list_cases(
            current_user, view=view, status=status or None, limit=PAGE_SIZE, cursor=cursor)
    except ConsoleServiceError as error:
        if isinstance(error, ServiceRefusedError) and error.status == 403:
            abort(403)
        items, next_cursor, problem = [], None, service_problem(error)
    return render_template("pages/cases/list.html", cases=items, next_cursor=next_cursor, cursor=cursor, view=view,
                           status=status, problem=problem, views=VIEW_LABELS, statuses=STATUS_FILTER_LABELS)


@cases_pages.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """Every case of the view and status (every page), as CSV (streamed) or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    (view, status), person = _view_and_status(), current_user._get_current_object()
    notifier, tz_name = service_clients().notifier, current_user.time_zone
    try:  # the first page before the reply starts: a refusal or a service down is a page, not a broken file
        first, cursor = notifier.list_cases(person, view=view, status=status or None, limit=MAX_CASE_PAGE)
    except ConsoleServiceError as error:
        return export_refused(error, url_for("cases.index", view=view, status=status))

    def cases():
        yield from first
        after = cursor
        while after:
            page, after = notifier.list_cases(person, view=view, status=status or None, limit=MAX_CASE_PAGE,
                                              cursor=after)
            yield from page

    return export_response(fmt, CASES_COLUMNS, case_rows(cases(), tz_name), "cases")


def _other_responses(survey, person, *, customer_id: str, response_id: str) -> list[dict[str, Any]]:
    """The customer's other responses, newest first, as the customer page reads them (runs on a reader thread)."""
    try:
        journey = survey.customer_journey(person, customer_id=customer_id, order="desc", limit=50)
    except ServiceRefusedError as error:
        if error.status == 404:
            return []
        raise
    return [item["response"] for item in journey.get("items") or []
            if item.get("kind") == "response" and item["response"].get("response_id") != response_id][:OTHER_ROWS]


def _other_cases(notifier, person, *, customer_id: str, case_id: int) -> list[dict[str, Any]]:
    """The customer's other cases the person may see, not resolved first (runs on a reader thread)."""
    found = []
    for status in ("active", CaseStatus.RESOLVED):
        items, _cursor = notifier.list_cases(person, view=CaseView.ALL, status=status, customer_id=customer_id,
                                             limit=OTHER_ROWS + 1)
        found += [item for item in items if item["id"] != case_id]
    return found[:OTHER_ROWS]


def _forms(case: dict[str, Any], people, **given: Any) -> dict[str, Any]:
    assign = given.get("assign") or AssignForm(formdata=None)
    assign.assignee.choices = person_choices(people, blank=_("Nobody (unassigned)"))
    current = (case.get("assignee") or {}).get("id")
    if current and not any(value == current for value, _label in assign.assignee.choices):
        name = (case.get("assignee") or {}).get("name") or current
        assign.assignee.choices.append((current, name))
    if assign.assignee.data is None:
        assign.assignee.data = current or ""
    return {"assign_form": assign, "note_form": given.get("note") or NoteForm(formdata=None),
            "resolve_form": given.get("resolve") or ResolveForm(formdata=None)}


def _render_detail(case_id: int, status: int = 200, problem: str | None = None, **given: Any):
    """The case page (after a refused or invalid action too: what was typed stays in its form)."""
    clients = service_clients()
    try:
        case = clients.notifier.get_case(current_user, case_id)
    except ConsoleServiceError as error:
        return _refused_as_page(error)
    reads = {}
    if case.get("customer_id"):
        reads["responses"] = functools.partial(_other_responses, clients.survey, customer_id=case["customer_id"],
                                               response_id=case.get("response_id"))
        reads["cases"] = functools.partial(_other_cases, clients.notifier, customer_id=case["customer_id"],
                                           case_id=case["id"])
    got = optional_reads(reads) if reads else {}
    responses, responses_problem = got.get("responses", (None, None))
    others, others_problem = got.get("cases", (None, None))
    people = assignable_people(get_session())
    names = names_of(get_session(), [entry["actor"] for entry in case.get("history") or []])
    return render_template(
        "pages/cases/detail.html", case=case, answers=answer_rows(case), problem=problem, actor_names=names,
        instruction=instruction(case.get("playbook"), current_user.language),
        responses=responses, responses_problem=responses_problem,
        responses_refused=bool(case.get("customer_id")) and responses is None and responses_problem is None,
        other_cases=others, others_problem=others_problem, **_forms(case, people, **given)), status


@cases_pages.get("/<int:case_id>")
@login_required
def detail(case_id: int):
    """One case with everything needed to close the loop."""
    return _render_detail(case_id)


def _act(case_id: int, action: str, call, details: dict[str, Any], done: str, **forms: Any):
    """Send one change to notifier; on success audit it and go back to the case, else show why."""
    try:
        case = call()
    except ConsoleServiceError as error:
        if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
            return _refused_as_page(error)
        if isinstance(error, ServiceRefusedError) and error.status == 409:
            problem = _("This case had already changed, so nothing was done. Its status is shown below as it is now.")
            return _render_detail(case_id, 409, problem, **forms)
        code = 422 if isinstance(error, ServiceRefusedError) else 503
        return _render_detail(case_id, code, service_problem(error), **forms)
    record_change(get_session(), actor=acting_actor(), now=now(), action=action, target=f"case:{case['id']}",
                  details={"status": case.get("status"), **details})
    get_session().commit()
    flash(done, "success")
    return redirect(url_for("cases.detail", case_id=case["id"]))


@cases_pages.post("/<int:case_id>/acknowledge")
@login_required
def acknowledge(case_id: int):
    """Say someone is on it (the first action, unless a note or an assignment came first)."""
    notifier = service_clients().notifier
    return _act(case_id, "case.acknowledged", lambda: notifier.acknowledge_case(current_user, case_id), {},
                _("Acknowledged."))


@cases_pages.post("/<int:case_id>/assign")
@login_required
def assign(case_id: int):
    """Give the case to a team lead or an admin, or to nobody."""
    form, people = AssignForm(), assignable_people(get_session())
    form.assignee.choices = person_choices(people, blank="")
    if not form.validate_on_submit():
        return _render_detail(case_id, 422, assign=form)
    assignee = chosen_person(people, form.assignee.data)
    notifier = service_clients().notifier
    done = (_("Assigned to %(name)s.", name=assignee["name"]) if assignee else _("Nobody is assigned now."))
    return _act(case_id, "case.assigned", lambda: notifier.assign_case(current_user, case_id, assignee),
                {"assignee": assignee["email"] if assignee else None}, done, assign=form)


@cases_pages.post("/<int:case_id>/notes")
@login_required
def add_note(case_id: int):
    """Write down what was done."""
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_detail(case_id, 422, note=form)
    notifier = service_clients().notifier
    return _act(case_id, "case.noted", lambda: notifier.add_case_note(current_user, case_id, form.text.data),
                {"length": len(form.text.data)}, _("Note added."), note=form)


@cases_pages.post("/<int:case_id>/resolve")
@login_required
def resolve(case_id: int):
    """Close the case with an outcome."""
    form = ResolveForm()
    if not form.validate_on_submit():
        return _render_detail(case_id, 422, resolve=form)
    notifier = service_clients().notifier
    note = form.note.data or None
    return _act(case_id, "case.resolved",
                lambda: notifier.resolve_case(current_user, case_id, outcome=form.outcome.data, note=note),
                {"outcome": form.outcome.data}, _("Resolved: %(outcome)s.", outcome=label(OUTCOME_LABELS,
                                                                                          form.outcome.data)),
                resolve=form)


@cases_pages.post("/<int:case_id>/reopen")
@login_required
def reopen(case_id: int):
    """Open a resolved case again."""
    notifier = service_clients().notifier
    return _act(case_id, "case.reopened", lambda: notifier.reopen_case(current_user, case_id), {},
                _("Reopened."))


@cases_pages.context_processor
def _words() -> dict[str, Any]:
    return {"status_label": functools.partial(label, STATUS_LABELS), "outcome_label": functools.partial(
        label, OUTCOME_LABELS), "history_label": functools.partial(label, HISTORY_LABELS), "status_tone": status_tone,
        "span": span, "segment_text": segment_text, "system_actor": SYSTEM_ACTOR,
        "channel_label": channel_label}
