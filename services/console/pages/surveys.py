"""``/surveys``: the list, the builder (new and edit), publishing, the version history and the preview.

Every read and write goes through the survey service with the person's role; the service decides who
may change surveys (marketers and admins), the pages only hide the buttons from the others.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.pages.support import acting_actor, now, service_problem
from services.console.refusals import localized
from services.console.survey_builder import (
    api_body,
    apply_action,
    blank_survey,
    error_anchor,
    errors_by_field,
    fallback_for,
    from_survey,
    languages_of,
    read_form,
)
from services.console.survey_vocabulary import (
    STATUS_TONES,
    dimension_choices,
    driver_choices,
    language_name,
    status_choices,
    status_label,
    type_choices,
    type_label,
)

surveys_pages = Blueprint("surveys", __name__, url_prefix="/surveys")
PREVIEW_WIDTHS = ("phone", "desktop")


def can_edit() -> bool:
    """Whether to offer the buttons that change surveys (the survey service enforces it anyway)."""
    return current_user.has_role("marketer")


def _refused_403(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status == 403:
        abort(403)


@surveys_pages.app_template_global()
def survey_status(status: str) -> dict[str, str]:
    """A survey status's label and badge tone."""
    return {"label": status_label(status), "tone": STATUS_TONES.get(status, "neutral")}  # type: ignore[call-overload]


@surveys_pages.get("")
@login_required
def index():
    """Every survey with status, touchpoint, live version and last change; filter by status and touchpoint."""
    client = service_clients().survey
    filters = {"status": request.args.get("status") or None, "touchpoint": request.args.get("touchpoint") or None}
    try:
        touchpoints = client.list_touchpoints(current_user)
        known = {tp["key"] for tp in touchpoints}
        if filters["status"] not in (None, *[value for value, _label in status_choices()]):
            filters["status"] = None
        if filters["touchpoint"] not in (None, *known):
            filters["touchpoint"] = None
        surveys = client.list_surveys(current_user, **filters)
    except ConsoleServiceError as error:
        _refused_403(error)
        raise
    names = {tp["key"]: tp["name"] for tp in touchpoints}
    return render_template("pages/surveys/list.html", surveys=surveys, touchpoints=touchpoints, names=names,
                           filters=filters, statuses=status_choices(), can_edit=can_edit())


def _where(target: str) -> str:
    """Where an error is, in words: "Question 2 · Choice 1 · Label"."""
    words = {"name": _("Name"), "touchpoint": _("Touchpoint"), "default_language": _("Default language"),
             "fallback_languages": _("Fallback languages"), "recontact_days": _("Ask again after (days)"),
             "title": _("Title"), "intro": _("Introduction"), "questions": _("Questions"), "key": _("Key"),
             "type": _("Type"), "text": _("Question text"), "required": _("Required"),
             "scale_max": _("Number of stars"), "choices": _("Choices"), "dimension": _("Experience dimension"),
             "driver": _("Driver"), "label": _("Label")}
    parts = target.split("-")
    if parts[0] != "q" or len(parts) < 2:
        return words.get(target, target)
    out = [_("Question %(number)d", number=int(parts[1]) + 1)]
    rest = parts[2:]
    if len(rest) >= 2 and rest[0] == "c":
        out.append(_("Choice %(number)d", number=int(rest[1]) + 1))
        rest = rest[2:]
    out.extend(words.get(part, part) for part in rest)
    return " · ".join(out)


def _page_context(state: dict[str, Any], **extra: Any) -> dict[str, Any]:
    language = str(get_locale() or "en")
    languages = languages_of(state)
    types = type_choices(language)
    field_errors = extra.pop("field_errors", {})
    order = [*(lang for lang in state.get("fallback_languages") or [] if lang != state.get("default_language")),
             state.get("default_language") or ""]
    return {"state": state, "languages": languages, "language_name": language_name,
            "language_pairs": [(lang, language_name(lang)) for lang in languages],
            "fallback_order": " → ".join(language_name(lang) for lang in order if lang),
            "fallback_for": fallback_for, "types": types, "types_by_name": {t["value"]: t for t in types},
            "type_options": [(t["value"], t["label"]) for t in types], "type_label": type_label,
            "dimensions": dimension_choices(), "drivers": driver_choices(), "can_edit": can_edit(),
            "field_errors": field_errors,
            "error_entries": [{"anchor": error_anchor(target, state), "where": _where(target), "messages": messages}
                              for target, messages in field_errors.items()],
            "general_errors": [], "unsaved": False, **extra}


def _builder_reads(survey: dict[str, Any] | None) -> dict[str, Any]:
    """The builder's reads beside the survey, sent together: touchpoints and, for a published survey, its
    version history. Each a value or its ConsoleServiceError."""
    client, person = service_clients().survey, current_user._get_current_object()
    reads = {"touchpoints": functools.partial(client.list_touchpoints, person)}
    if survey is not None and survey.get("live_version"):
        reads["versions"] = functools.partial(client.list_versions, person, survey["id"])
    return service_clients().read_together(reads)


def _render_builder(state: dict[str, Any], *, survey: dict[str, Any] | None = None, status: int = 200,
                    got: dict[str, Any] | None = None, **extra: Any):
    got = got or _builder_reads(survey)
    touchpoints, versions, history_problem = got["touchpoints"], got.get("versions", []), None
    general = list(extra.pop("general_errors", []))
    if isinstance(touchpoints, ConsoleServiceError):
        _refused_403(touchpoints)
        general.append(service_problem(touchpoints))
        touchpoints = []
    if isinstance(versions, ConsoleServiceError):
        versions, history_problem = [], service_problem(versions)
    return render_template("pages/surveys/builder.html",
                           **_page_context(state, survey=survey, touchpoints=touchpoints, general_errors=general,
                                           versions=versions, history_problem=history_problem, **extra)), status


def _readable(target: str, message: str) -> str:
    """The survey service's message in the person's language where the console knows it (else as sent)."""
    if target == "touchpoint":
        return _("Choose a touchpoint.")
    if target == "name" and message.startswith("Length must be between 1"):
        return _("Enter a name.")
    if message.startswith("Shorter than minimum length 1") or "(default language)" in message:
        return _("Write this in the default language; the other languages may fall back to it.")
    known = {"Not a valid integer.": _("Enter a whole number of days."),
             "choice questions need at least two choices": _("Give at least two choices."),
             "Missing data for required field.": _("Enter this.")}
    return known.get(message, message)


def _failed(state: dict[str, Any], error: ConsoleServiceError, *, survey: dict[str, Any] | None = None):
    """Re-render what was typed with the service's errors next to their fields (422), or why it failed."""
    per_field, general = ({}, [])
    if isinstance(error, ServiceRefusedError):
        per_field, general = errors_by_field({path: [localized(message) for message in messages]
                                              for path, messages in error.field_errors.items()})
        per_field = {target: list(dict.fromkeys(_readable(target, m) for m in messages))
                     for target, messages in per_field.items()}
    if not per_field:
        general.insert(0, service_problem(error))
    code = error.status if isinstance(error, ServiceRefusedError) and error.status in (403, 404, 409) else \
        (422 if isinstance(error, ServiceRefusedError) else 503)
    return _render_builder(state, survey=survey, status=code, field_errors=per_field, general_errors=general)


def _builder_post(survey: dict[str, Any] | None):
    """A builder button (re-render, nothing sent) or Save (one API call, audited)."""
    state = read_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        apply_action(state, action, new_type=request.form.get("new_type"))
        return _render_builder(state, survey=survey, unsaved=True)
    client = service_clients().survey
    try:
        if survey is None:
            saved = client.create_survey(current_user, api_body(state))
        else:
            saved = client.update_survey(current_user, survey["id"], api_body(state))
    except ConsoleServiceError as error:
        return _failed(state, error, survey=survey)
    record_change(get_session(), actor=acting_actor(), action="survey.created" if survey is None else "survey.changed",
                  target=f"survey:{saved['id']}", now=now(),
                  details={"name": saved["name"], "questions": len(state["questions"])})
    get_session().commit()
    flash(_("Draft saved. Publish it when it is ready for customers."), "success")
    return redirect(url_for("surveys.edit", survey_id=saved["id"]))


@surveys_pages.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """The builder for a new survey (saved as a draft); only for the roles that may create one."""
    if not can_edit():
        abort(403)
    if request.method == "POST":
        return _builder_post(None)
    return _render_builder(blank_survey())


def _load(survey_id: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The survey, the definition the builder edits (its draft, else its live version) and the builder's
    reads (touchpoints, version history), all in one read of the survey service."""
    try:
        got = service_clients().survey.survey_editor(current_user, survey_id)
    except ConsoleServiceError as error:
        _refused_403(error)
        if isinstance(error, ServiceRefusedError) and error.status == 404:
            abort(404)
        raise
    survey = got["survey"]
    definition = survey.get("draft") or (got["live"] or {}).get("definition")
    if definition is None:  # neither a draft nor a published version: nothing to edit
        abort(404)
    return survey, definition, {"touchpoints": got["touchpoints"], "versions": got["versions"]}


@surveys_pages.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit(survey_id: int):
    """The builder for a stored survey, with publishing, previews and the version history."""
    if request.method == "POST":
        try:
            survey = service_clients().survey.get_survey(current_user, survey_id)
        except ConsoleServiceError as error:  # keep what was typed and say which service is down
            _refused_403(error)
            return _failed(read_form(request.form), error, survey={"id": survey_id, "name": "", "status": "",
                                                                      "live_version": None, "draft": None})
        return _builder_post(survey)
    survey, definition, got = _load(survey_id)
    return _render_builder(from_survey(survey, definition), survey=survey, got=got)


@surveys_pages.post("/<int:survey_id>/publish")
@login_required
def publish(survey_id: int):
    """Publish the saved draft as the next immutable version."""
    try:
        version = service_clients().survey.publish_survey(current_user, survey_id)
    except ConsoleServiceError as error:
        _refused_403(error)
        flash(service_problem(error), "error")
        return redirect(url_for("surveys.edit", survey_id=survey_id))
    record_change(get_session(), actor=acting_actor(), action="survey.published", target=f"survey:{survey_id}",
                  now=now(), details={"version": version["version"]})
    get_session().commit()
    flash(_("Version %(version)d is published: new invitations use it.", version=version["version"]), "success")
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@surveys_pages.get("/<int:survey_id>/preview")
@login_required
def preview(survey_id: int):
    """The real response page of the draft (or a version) in Korean and English, at phone or desktop width."""
    width = request.args.get("width") if request.args.get("width") in PREVIEW_WIDTHS else "phone"
    version = request.args.get("version", type=int)
    origin = request.host_url.rstrip("/")
    client = service_clients().survey
    try:
        survey = client.get_survey(current_user, survey_id)
        link = client.preview_link(current_user, survey_id, version=version, frame_ancestor=origin)
    except ConsoleServiceError as error:
        _refused_403(error)
        if isinstance(error, ServiceRefusedError) and error.status == 404:
            abort(404)
        raise
    parts = urlsplit(link["url"])
    g.frame_sources = [f"{parts.scheme}://{parts.netloc}"]  # the page's CSP lets exactly this origin in a frame
    frames = [{"language": language, "name": language_name(language),
               "src": f"{link['url']}?lang={language}"} for language in ("ko", "en")]
    return render_template("pages/surveys/preview.html", survey=survey, link=link, frames=frames, width=width,
                           version=version, widths=PREVIEW_WIDTHS)
