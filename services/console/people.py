"""People use cases: create, change, disable, sign in, bootstrap the first admin (no Flask).

Each write use case commits once, at its end, together with its audit entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.console.audit import Actor, record_change
from services.console.exceptions import N_, EmailTakenError, InvalidPersonError, LastAdminError, UserNotFoundError
from services.console.models import LANGUAGES, ROLES, User
from services.console.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, password_matches
from shared.actor import ACTOR_SUBJECT_PREFIX

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names a person may pick, sorted."""
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


def normalise_email(email: str) -> str:
    """The form an email is stored and looked up in (trimmed, lower case)."""
    return email.strip().lower()


def _check_profile(*, role: str | None = None, language: str | None = None, time_zone: str | None = None,
                   display_name: str | None = None) -> None:
    if role is not None and role not in ROLES:
        raise InvalidPersonError(f"unknown role {role!r}", field="role")
    if language is not None and language not in LANGUAGES:
        raise InvalidPersonError(f"unknown language {language!r}", field="language")
    if time_zone is not None and time_zone not in time_zones():
        raise InvalidPersonError(f"unknown time zone {time_zone!r}", field="time_zone")
    if display_name is not None and not display_name.strip():
        raise InvalidPersonError(N_("a name is needed"), field="display_name")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidPersonError(f"at least {MIN_PASSWORD_LENGTH} characters", field="password")


def find_user_by_email(session: Session, email: str) -> User | None:
    """The person with this email, or None."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(session: Session, user_id: int) -> User:
    """The person with this id; raises ``UserNotFoundError``."""
    user = session.get(User, user_id)
    if user is None:
        raise UserNotFoundError(f"no person {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    """Everyone, active first, then by name."""
    return list(session.scalars(select(User).order_by(User.disabled_at.is_not(None), User.display_name, User.id)))


def _new_user(session: Session, *, email: str, display_name: str, role: str, language: str, time_zone: str,
              password: str, now: datetime) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidPersonError(N_("not an email address"), field="email")
    _check_profile(role=role, language=language, time_zone=time_zone, display_name=display_name)
    _check_password(password)
    if find_user_by_email(session, email) is not None:
        raise EmailTakenError(f"{email} already has an account", errors={"email": [N_("already has an account")]})
    user = User(email=email, display_name=display_name.strip(), role=role, language=language,
                time_zone=time_zone, password_hash=hash_password(password), created_at=now, updated_at=now)
    session.add(user)
    session.flush()
    return user


def create_user(session: Session, *, actor: Actor, email: str, display_name: str, role: str, language: str,
                time_zone: str, password: str, now: datetime) -> User:
    """Create a person (admin use case), audited."""
    user = _new_user(session, email=email, display_name=display_name, role=role, language=language,
                     time_zone=time_zone, password=password, now=now)
    record_change(session, actor=actor, action="user.created", target=f"user:{user.id}", now=now,
                  details={"email": user.email, "role": role, "language": language, "time_zone": time_zone})
    session.commit()
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)
                          .where(User.role == "admin", User.disabled_at.is_(None))) or 0


def update_user(session: Session, user_id: int, *, actor: Actor, now: datetime, role: str | None = None,
                language: str | None = None, time_zone: str | None = None, display_name: str | None = None) -> User:
    """Change a person's role, language, time zone or name (admin use case), audited with the changes."""
    user = get_user(session, user_id)
    _check_profile(role=role, language=language, time_zone=time_zone, display_name=display_name)
    wanted = {"role": role, "language": language, "time_zone": time_zone,
              "display_name": display_name.strip() if display_name is not None else None}
    changes = {name: {"from": getattr(user, name), "to": value} for name, value in wanted.items()
               if value is not None and value != getattr(user, name)}
    if "role" in changes and user.role == "admin" and not user.is_disabled and _active_admins(session) <= 1:
        raise LastAdminError(N_("the last active admin keeps the admin role"))
    for name, change in changes.items():
        setattr(user, name, change["to"])
    if changes:
        user.updated_at = now
        record_change(session, actor=actor, action="user.updated", target=f"user:{user.id}", now=now,
                      details=changes)
    session.commit()
    return user


def set_user_disabled(session: Session, user_id: int, *, disabled: bool, actor: Actor, now: datetime) -> User:
    """Disable (or enable again) a person's sign-in (admin use case), audited."""
    user = get_user(session, user_id)
    if disabled == user.is_disabled:
        return user
    if disabled and user.role == "admin" and _active_admins(session) <= 1:
        raise LastAdminError(N_("the last active admin cannot be disabled"))
    user.disabled_at = now if disabled else None
    user.updated_at = now
    record_change(session, actor=actor, action="user.disabled" if disabled else "user.enabled",
                  target=f"user:{user.id}", now=now, details={"email": user.email})
    session.commit()
    return user


def update_preferences(session: Session, user: User, *, language: str, time_zone: str, now: datetime) -> User:
    """A person changes their own language and time zone, audited."""
    return update_user(session, user.id, actor=Actor.of(user), now=now, language=language, time_zone=time_zone)


def change_password(session: Session, user_id: int, *, current: str, new: str, now: datetime,
                    address: str | None) -> User:
    """A person changes their own password, knowing the current one; audited. Every other session of
    theirs ends (a session carries a stamp of the password hash)."""
    user = get_user(session, user_id)
    if not password_matches(user.password_hash, current):
        raise InvalidPersonError(N_("This is not your current password."), field="current_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise InvalidPersonError(N_("The new password is too short."), field="new_password")
    if password_matches(user.password_hash, new):
        raise InvalidPersonError(N_("Choose a password different from the current one."), field="new_password")
    user.password_hash = hash_password(new)
    record_change(session, actor=Actor.of(user, address=address), action="user.password_changed",
                  target=f"user:{user.id}", now=now, details={})
    session.commit()
    return user


@dataclass(frozen=True)
class SignInResult:
    """The person signed in, or None with why not (``"unknown"``, ``"disabled"``)."""

    user: User | None
    reason: str | None = None


def sign_in(session: Session, *, email: str, password: str, now: datetime, address: str | None) -> SignInResult:
    """Check an email and password; audit the sign-in; rehash an old-parameter hash."""
    user = find_user_by_email(session, email)
    if not password_matches(user.password_hash if user else None, password) or user is None:
        return SignInResult(None, "unknown")
    if user.is_disabled:
        return SignInResult(None, "disabled")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_change(session, actor=Actor.of(user, address=address), action="user.signed_in",
                  target=f"user:{user.id}", now=now, details={})
    session.commit()
    return SignInResult(user)


def ensure_user(session: Session, *, email: str, password: str, role: str, now: datetime,
                display_name: str | None = None, language: str = "ko", time_zone: str = "Asia/Seoul") -> bool:
    """Make the person exist (start-up bootstrap and demo); True if they were created.

    An existing person is left as is: a changed password or role in the environment does not
    overwrite what an admin set in the console.
    """
    if find_user_by_email(session, email) is not None:
        return False
    user = _new_user(session, email=email, display_name=display_name or email.split("@")[0], role=role,
                     language=language, time_zone=time_zone, password=password, now=now)
    record_change(session, actor=Actor.system(), action="user.created", target=f"user:{user.id}", now=now,
                  details={"email": user.email, "role": role, "by": "start-up"})
    session.commit()
    return True


def name_of_subject(session: Session, subject: str | None) -> str | None:
    """Who a service's ``updated_by`` names, for a page: a console person's display name (their
    ``console-user:<id>`` subject, see ``shared/actor.py``), else the API key's holder as stored."""
    if not subject or not subject.startswith(ACTOR_SUBJECT_PREFIX):
        return subject
    user_id = subject.removeprefix(ACTOR_SUBJECT_PREFIX)
    user = session.get(User, int(user_id)) if user_id.isdigit() else None
    return user.display_name if user is not None else subject
