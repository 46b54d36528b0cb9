"""``/settings/keys``: admins create (shown once), list and revoke API keys, through the services' ``/v1/keys``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.common.db import get_session
from services.console.api_keys import create_api_key, list_api_keys, revoke_api_key
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.forms import ActionForm, KeyCreateForm
from services.console.pages.support import acting_actor, apply_errors, now, service_problem

keys_pages = Blueprint("keys", __name__, url_prefix="/settings/keys")


def _forbidden_or_raise(error: ConsoleServiceError) -> None:
    """A service refusing this person's role is a 403 page, whatever the page was."""
    if isinstance(error, ServiceRefusedError) and error.status == 403:

        abort(403)


@keys_pages.route("", methods=["GET", "POST"])
@login_required
def index():
    """The list and the create form; a created key is shown on this reply only (never stored here)."""
    form = KeyCreateForm()
    clients, status, created, failed = service_clients(), 200, None, {}
    if form.validate_on_submit():
        try:
            outcome = create_api_key(get_session(), clients, current_user, actor=acting_actor(), now=now(),
                                     role=form.role.data, subject=form.subject.data)
        except ConsoleServiceError as error:
            _forbidden_or_raise(error)
            apply_errors(form, error)
            status = 422 if isinstance(error, ServiceRefusedError) else 503
        else:
            created, failed = outcome.key, outcome.failed
            form = KeyCreateForm(formdata=None)
    elif request.method == "POST":
        status = 422
    try:
        keys, list_problem = list_api_keys(clients, current_user), None
    except ConsoleServiceError as error:  # the form still shows, with what was typed
        _forbidden_or_raise(error)
        keys, list_problem = [], service_problem(error)
    return render_template("pages/keys.html", form=form, keys=keys, created=created, failed=failed,
                           list_problem=list_problem, action_form=ActionForm()), status


@keys_pages.post("/<key_id>/revoke")
@login_required
def revoke(key_id: str):
    """Revoke a key on every service."""
    try:
        failed = revoke_api_key(get_session(), service_clients(), current_user, actor=acting_actor(),
                                key_id=key_id, now=now())
    except ConsoleServiceError as error:
        _forbidden_or_raise(error)
        flash(service_problem(error), "error")
        return redirect(url_for("keys.index"))
    if failed:
        flash(_("Key %(key)s was not revoked on: %(services)s. Try again.", key=key_id,
                services=", ".join(sorted(failed))), "error")
    else:
        flash(_("Key %(key)s is revoked on every service.", key=key_id), "success")
    return redirect(url_for("keys.index"))
