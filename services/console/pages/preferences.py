"""``/settings/preferences``: a person's own language and time zone."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user

from services.common.db import get_session
from services.common.exceptions import DomainError
from services.console.forms import PreferencesForm
from services.console.pages.support import apply_errors, now
from services.console.people import get_user, update_preferences
from services.console.signin import SessionUser

preferences_pages = Blueprint("preferences", __name__, url_prefix="/settings/preferences")


@preferences_pages.route("", methods=["GET", "POST"])
@login_required
def edit():
    """Pick the language of the pages and the time zone dates are shown in."""
    user = get_user(get_session(), current_user.id)
    form = PreferencesForm(obj=user)
    status = 200
    if form.validate_on_submit():
        try:
            user = update_preferences(get_session(), user, language=form.language.data,
                                      time_zone=form.time_zone.data, now=now())
        except DomainError as error:
            get_session().rollback()
            apply_errors(form, error)
            status = 422
        else:
            login_user(SessionUser(user))  # the session's copy follows the change
            refresh()
            flash(_("Saved."), "success")
            return redirect(url_for("preferences.edit"))
    elif request.method == "POST":
        status = 422
    return render_template("pages/preferences.html", form=form), status
