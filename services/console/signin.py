"""Sessions (Flask-Login) and the sign-in rate limits, per account and per client address."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import LoginManager, UserMixin
from sqlalchemy import bindparam, select

from services.common.db import column_rows, get_session
from services.common.ratelimit import TokenBuckets
from services.console.models import User


class SessionUser(UserMixin):
    """The signed-in person as the pages see them (a detached copy of the row)."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.email = user.email
        self.display_name = user.display_name
        self.role = user.role
        self.language = user.language
        self.time_zone = user.time_zone
        self._stamp = _session_stamp(user)

    def get_id(self) -> str:
        # The stamp ends the session when the password hash changes or the account is disabled.
        return f"{self.id}:{self._stamp}"

    def has_role(self, *roles: str) -> bool:
        """True for admins and the given roles (the same rule the services apply)."""
        return self.role == "admin" or self.role in roles


# What a request needs of its person, as a row (built once; no ORM object to make on every request).
_SIGNED_IN = select(User.id, User.email, User.display_name, User.role, User.language, User.time_zone,
                    User.password_hash, User.disabled_at).where(User.id == bindparam("user_id"))


def _session_stamp(user: User) -> str:
    return user.password_hash[-12:]


def load_session_user(session_id: str) -> SessionUser | None:
    """The person of a session cookie, or None if they were disabled or changed password."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = column_rows(get_session(), _SIGNED_IN, {"user_id": int(user_id)}).first()
    if user is None or User.is_disabled.fget(user) or _session_stamp(user) != stamp:  # the rule of User, on a row
        return None
    return SessionUser(user)


@dataclass
class SignInLimits:
    """Token buckets for failed sign-ins: one per account (email), one per client address.

    A failed attempt takes a token from both; when either is empty the form answers 429 with the
    wait, before the password is even checked. Per process, like every bucket here.
    """

    per_account: TokenBuckets
    per_address: TokenBuckets

    def wait(self, email: str, address: str) -> tuple[int, str | None]:
        """Seconds to wait and which limit ("account" or "address"); (0, None) when allowed."""
        for what, buckets, key in (("account", self.per_account, email), ("address", self.per_address, address)):
            seconds = buckets.wait(key)
            if seconds > 0:
                return max(1, math.ceil(seconds)), what
        return 0, None

    def failed(self, email: str, address: str) -> None:
        """Count one failed sign-in."""
        self.per_account.take(email)
        self.per_address.take(address)


def sign_in_limits() -> SignInLimits:
    """The app's sign-in limits."""
    return current_app.extensions["console_sign_in_limits"]


def init_sessions(app: Flask) -> None:
    """Flask-Login with the console's user loader, and the sign-in limits."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = None  # the sign-in page says why on its own
    manager.session_protection = "basic"
    manager.user_loader(load_session_user)
    config = app.config
    app.extensions["console_sign_in_limits"] = SignInLimits(
        TokenBuckets(config["LOGIN_LIMIT_PER_ACCOUNT_PER_MINUTE"], config["LOGIN_LIMIT_PER_ACCOUNT_BURST"]),
        TokenBuckets(config["LOGIN_LIMIT_PER_ADDRESS_PER_MINUTE"], config["LOGIN_LIMIT_PER_ADDRESS_BURST"]))
