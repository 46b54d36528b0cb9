"""Sign-in (``/login``) and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from services.common.db import get_session
from services.console.audit import Actor, record_change
from services.console.forms import ActionForm, SignInForm
from services.console.pages.support import now
from services.console.people import normalise_email, sign_in
from services.console.signin import SessionUser, sign_in_limits

auth_pages = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only paths on this console (``/settings/users``), never another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("overview.index")


@auth_pages.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; too many failures (per account or address) answer 429 with the wait."""
    if current_user.is_authenticated:
        return redirect(url_for("overview.index"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        email, address = normalise_email(form.email.data), request.remote_addr or "unknown"
        limits = sign_in_limits()
        wait, which = limits.wait(email, address)
        if wait:
            minutes = max(1, -(-wait // 60))
            message = (_("Too many sign-in attempts for this account. Try again in %(minutes)d minute(s), "
                         "or ask an admin to check the account.", minutes=minutes) if which == "account" else
                       _("Too many sign-in attempts from this network address. Try again in %(minutes)d "
                         "minute(s).", minutes=minutes))
            form.form_errors.append(message)
            return render_template("pages/login.html", form=form), 429, {"Retry-After": str(wait)}
        result = sign_in(get_session(), email=email, password=form.password.data, now=now(), address=address)
        if result.user is not None:
            session.clear()  # a fresh session (and CSRF token) for the signed-in person
            login_user(SessionUser(result.user))
            session.permanent = True
            return redirect(_safe_next(form.next.data))
        limits.failed(email, address)
        form.form_errors.append(_("That email and password do not match an active account."))
        form.password.data = ""
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("pages/login.html", form=form), status


@auth_pages.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST with the CSRF token, so a link elsewhere cannot sign a person out)."""
    ActionForm()  # the CSRF check already ran (CSRFProtect); the form documents it
    if current_user.is_authenticated:
        user_id, email = current_user.id, current_user.email
        record_change(get_session(), actor=Actor(user_id=user_id, email=email, address=request.remote_addr),
                      action="user.signed_out", target=f"user:{user_id}", now=now())
        get_session().commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
