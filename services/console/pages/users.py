"""``/settings/users``: admins list, add, change and disable people (the console's own data)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.common.db import get_session
from services.common.exceptions import DomainError
from services.console.forms import ActionForm, UserCreateForm, UserEditForm
from services.console.pages.support import acting_actor, apply_errors, now, role_required
from services.console.people import create_user, get_user, list_users, set_user_disabled, update_user

users_pages = Blueprint("users", __name__, url_prefix="/settings/users")


@users_pages.get("")
@role_required()
def index():
    """Everyone who can sign in, with role, language, time zone and state."""
    return render_template("pages/users/list.html", users=list_users(get_session()))


@users_pages.route("/new", methods=["GET", "POST"])
@role_required()
def new():
    """Add a person with a first password (they can be told it; nothing is mailed)."""
    form = UserCreateForm()
    if request.method == "GET":
        form.language.data, form.time_zone.data = "ko", "Asia/Seoul"
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(get_session(), actor=acting_actor(), now=now(), email=form.email.data,
                               display_name=form.display_name.data, role=form.role.data,
                               language=form.language.data, time_zone=form.time_zone.data,
                               password=form.password.data)
        except DomainError as error:
            get_session().rollback()
            apply_errors(form, error)
            status = 422
        else:
            flash(_("%(name)s can now sign in.", name=user.display_name), "success")
            return redirect(url_for("users.index"))
    elif request.method == "POST":
        status = 422
    form.password.data = ""
    return render_template("pages/users/new.html", form=form), status


@users_pages.route("/<int:user_id>", methods=["GET", "POST"])
@role_required()
def edit(user_id: int):
    """Change a person's name, role, language and time zone; disable or enable their sign-in."""
    user = get_user(get_session(), user_id)
    form = UserEditForm(obj=user)
    status = 200
    if form.validate_on_submit():
        try:
            update_user(get_session(), user_id, actor=acting_actor(), now=now(), role=form.role.data,
                        language=form.language.data, time_zone=form.time_zone.data,
                        display_name=form.display_name.data)
        except DomainError as error:
            get_session().rollback()
            apply_errors(form, error)
            status = 422
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("users.index"))
    elif request.method == "POST":
        status = 422
    return render_template("pages/users/edit.html", form=form, user=user, action_form=ActionForm()), status


@users_pages.post("/<int:user_id>/disable")
@role_required()
def disable(user_id: int):
    """Stop a person signing in (their sessions end at once)."""
    return _set_disabled(user_id, True)


@users_pages.post("/<int:user_id>/enable")
@role_required()
def enable(user_id: int):
    """Let a disabled person sign in again."""
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool):
    try:
        user = set_user_disabled(get_session(), user_id, disabled=disabled, actor=acting_actor(), now=now())
    except DomainError as error:
        get_session().rollback()
        flash(_(error.message), "error")
        return redirect(url_for("users.edit", user_id=user_id))
    flash(_("%(name)s can no longer sign in.", name=user.display_name) if disabled else
          _("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("users.index"))
