"""``/settings/preferences``: a person's own language and time zone, and their password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user

from services.common.db import get_session
from services.common.exceptions import DomainError
from services.console.forms import PasswordChangeForm, PreferencesForm
from services.console.pages.support import apply_errors, now
from services.console.passwords import MIN_PASSWORD_LENGTH
from services.console.people import change_password, get_user, update_preferences
from services.console.signin import SessionUser, sign_in_limits

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


@preferences_pages.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; a wrong current password counts as a failed sign-in (same limits)."""
    form, status = PasswordChangeForm(), 200
    if form.validate_on_submit():
        email, address = current_user.email, request.remote_addr or "unknown"
        limits = sign_in_limits()
        wait, _which = limits.wait(email, address)
        if wait:
            form.form_errors.append(_("Too many wrong passwords. Try again in %(minutes)d minutes.",
                                      minutes=max(1, -(-wait // 60))))
            return render_template("pages/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), 429, {"Retry-After": str(wait)}
        try:
            user = change_password(get_session(), current_user.id, current=form.current_password.data,
                                   new=form.new_password.data, now=now(), address=address)
        except DomainError as error:
            get_session().rollback()
            if "current_password" in (error.errors or {}):
                limits.failed(email, address)
            apply_errors(form, error)
            status = 422
        else:
            login_user(SessionUser(user))  # this session follows the new password; the others end
            flash(_("Your password is changed. Anywhere else you were signed in, you are signed out."), "success")
            return redirect(url_for("preferences.edit"))
    elif request.method == "POST":
        status = 422
    return render_template("pages/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status
