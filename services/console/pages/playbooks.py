"""``/settings/playbooks``: what to do when a low score opens a case, per touchpoint (and optionally per
segment ``attribute:value``): an instruction in Korean and English, a target time and a default assignee.

Notifier stores the playbooks and decides who may change them (admins and marketers; team leads read
them); these routes translate the form into one API call, put notifier's errors next to the fields
(a second playbook for the same touchpoint and segment is refused there), and audit every change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from services.common.db import get_session
from services.console.audit import record_change
from services.console.case_forms import PlaybookForm, assignable_people, chosen_person, person_choices
from services.console.case_view import segment_text
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.pages.support import (
    acting_actor,
    apply_errors,
    now,
    optional_reads,
    role_required,
    service_problem,
)

playbooks_pages = Blueprint("playbooks", __name__, url_prefix="/settings/playbooks")
EDITORS = ("admin", "marketer")
READERS = ("marketer", "team_lead")  # and admins (role_required always lets them in)
MAX_ID_LENGTH = 64


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)


def _playbook_id(playbook_id: str) -> str:
    if not playbook_id or len(playbook_id) > MAX_ID_LENGTH:
        abort(404)
    return playbook_id


@playbooks_pages.get("")
@role_required(*READERS)
def index():
    """Every playbook with its touchpoint, segment, instruction and target."""
    try:
        playbooks, problem = service_clients().notifier.list_playbooks(current_user), None
    except ConsoleServiceError as error:
        _refused_as_page(error)
        playbooks, problem = [], service_problem(error)
    touchpoints, _problem = optional_reads({"touchpoints": service_clients().survey.list_touchpoints})["touchpoints"]
    return render_template("pages/playbooks/list.html", playbooks=playbooks, problem=problem,
                           touchpoints={item["key"]: item["name"] for item in touchpoints or []},
                           can_edit=current_user.role in EDITORS)


def _fill_choices(form: PlaybookForm, playbook: dict[str, Any] | None) -> tuple[list, str | None]:
    """Touchpoints from survey and people from the console; the playbook's own values stay choosable."""
    touchpoints, problem = optional_reads({"touchpoints": service_clients().survey.list_touchpoints})["touchpoints"]
    form.touchpoint.choices = [("", _("Choose a touchpoint"))] + [
        (item["key"], f"{item['name']} ({item['key']})") for item in touchpoints or []]
    # The playbook's own touchpoint stays choosable; with survey not answering, what was typed is kept.
    current = (playbook or {}).get("touchpoint") or (form.touchpoint.data if problem else None)
    if current and not any(value == current for value, _label in form.touchpoint.choices):
        form.touchpoint.choices.append((current, current))
    people = assignable_people(get_session())
    form.default_assignee.choices = person_choices(people, blank=_("Nobody: cases start unassigned"))
    default = ((playbook or {}).get("default_assignee") or {})
    if default.get("id") and not any(value == default["id"] for value, _label in form.default_assignee.choices):
        form.default_assignee.choices.append((default["id"], default.get("name") or default["id"]))
    return people, problem


def _fill_from(form: PlaybookForm, playbook: dict[str, Any]) -> None:
    form.touchpoint.data = playbook["touchpoint"]
    form.segment.data = segment_text(playbook.get("segment"))
    form.instruction_ko.data = (playbook.get("instruction") or {}).get("ko")
    form.instruction_en.data = (playbook.get("instruction") or {}).get("en")
    form.target_hours.data = playbook.get("target_hours")
    form.default_assignee.data = (playbook.get("default_assignee") or {}).get("id") or ""


def _body(form: PlaybookForm, people, playbook: dict[str, Any] | None) -> dict[str, Any]:
    default = chosen_person(people, form.default_assignee.data)
    kept = (playbook or {}).get("default_assignee")
    if default is None and kept and kept.get("id") == form.default_assignee.data:
        default = kept  # a person no longer here stays the default until someone changes it
    return {"touchpoint": form.touchpoint.data, "segment": (form.segment.data or "").strip() or None,
            "instruction": {"ko": form.instruction_ko.data.strip(), "en": form.instruction_en.data.strip()},
            "target_hours": form.target_hours.data, "default_assignee": default}


def _editor(playbook: dict[str, Any] | None):
    if current_user.role not in EDITORS:
        abort(403)
    form = PlaybookForm()
    if request.method == "GET" and playbook is not None:
        _fill_from(form, playbook)
    people, touchpoints_problem = _fill_choices(form, playbook)
    status = 200
    if form.validate_on_submit():
        body, notifier = _body(form, people, playbook), service_clients().notifier
        try:
            saved = (notifier.create_playbook(current_user, body) if playbook is None
                     else notifier.update_playbook(current_user, playbook["id"], body))
        except ConsoleServiceError as error:
            _refused_as_page(error)
            if isinstance(error, ServiceRefusedError) and error.status == 409:
                form.touchpoint.errors = [_("A playbook for this touchpoint and segment already exists; "
                                            "change that one instead.")]
            else:
                apply_errors(form, error)
            status = 503 if not isinstance(error, ServiceRefusedError) else (409 if error.status == 409 else 422)
        else:
            changed = sorted(name for name, value in body.items() if playbook is None or playbook.get(name) != value)
            _audit("playbook.created" if playbook is None else "playbook.updated", saved, changed=changed)
            flash(_("Playbook for %(touchpoint)s is saved.", touchpoint=saved["touchpoint"]), "success")
            return redirect(url_for("playbooks.index"))
    elif request.method == "POST":
        status = 422
    return render_template("pages/playbooks/edit.html", form=form, playbook=playbook,
                           touchpoints_problem=touchpoints_problem), status


def _audit(action: str, playbook: dict[str, Any], **details: Any) -> None:
    record_change(get_session(), actor=acting_actor(), now=now(), action=action, target=f"playbook:{playbook['id']}",
                  details={"touchpoint": playbook.get("touchpoint"), "segment": segment_text(playbook.get("segment")),
                           "target_hours": playbook.get("target_hours"), **details})
    get_session().commit()


@playbooks_pages.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    """A new playbook."""
    return _editor(None)


def _read(playbook_id: str) -> dict[str, Any]:
    try:
        return service_clients().notifier.get_playbook(current_user, _playbook_id(playbook_id))
    except ConsoleServiceError as error:
        _refused_as_page(error)
        raise


@playbooks_pages.route("/<playbook_id>", methods=["GET", "POST"])
@role_required(*READERS)
def edit(playbook_id: str):
    """One playbook: the form for editors, its words for the others."""
    playbook = _read(playbook_id)
    if current_user.role not in EDITORS:
        if request.method == "POST":
            abort(403)
        return render_template("pages/playbooks/show.html", playbook=playbook)
    return _editor(playbook)


@playbooks_pages.post("/<playbook_id>/delete")
@role_required(*EDITORS)
def delete(playbook_id: str):
    """Delete a playbook: new cases of its touchpoint get no instruction (open cases keep theirs)."""
    playbook = _read(playbook_id)
    try:
        service_clients().notifier.delete_playbook(current_user, playbook["id"])
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(url_for("playbooks.edit", playbook_id=playbook["id"]))
    _audit("playbook.deleted", playbook)
    flash(_("Playbook for %(touchpoint)s is deleted.", touchpoint=playbook["touchpoint"]), "success")
    return redirect(url_for("playbooks.index"))
