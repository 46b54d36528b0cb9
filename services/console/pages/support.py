"""What routes share: the clock, the acting person, role checks, and putting errors back on a form."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from services.common.exceptions import DomainError
from services.console.audit import Actor
from services.console.clients import service_clients
from services.console.clients.base import ConsoleServiceError, ServiceDownError, ServiceRefusedError
from services.console.refusals import localized

F = TypeVar("F", bound=Callable[..., Any])


def now() -> datetime:
    """The app clock's current time (UTC)."""
    return current_app.extensions["clock"].now()


def acting_actor() -> Actor:
    """The signed-in person as the author of an audited change."""
    return Actor.of(current_user, address=request.remote_addr)


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed in, and admin or one of ``roles`` (403 page otherwise).

    For pages on the console's own data (people, audit). Pages built from a service are enforced
    by that service; this check only spares a person a page they cannot use.
    """
    def decorator(view: F) -> F:
        @functools.wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorator


def service_problem(error: ConsoleServiceError) -> str:
    """One sentence for the top of a form: which service, and that what was typed is kept."""
    if isinstance(error, ServiceDownError):
        return _("The %(service)s service is not answering, so nothing was saved. What you typed is "
                 "still here: try again in a moment.", service=error.service)
    if isinstance(error, ServiceRefusedError) and error.status == 403:
        return _("The %(service)s service does not allow your role to do this.", service=error.service)
    if isinstance(error, ServiceRefusedError) and error.status == 401:
        return _("The %(service)s service did not accept the console's credentials; ask an admin to "
                 "check CX_CONSOLE_KEY and CX_CONSOLE_ACTOR_SECRET.", service=error.service)
    return _("The %(service)s service refused this: %(reason)s", service=error.service,
             reason=localized(getattr(error, "message", "")))


def apply_errors(form: FlaskForm, error: DomainError | ServiceRefusedError | ConsoleServiceError) -> None:
    """Put an error's per-field messages next to the form's fields; the rest at the top of the form.

    Field names of the API match the form's (``email``, ``role``, ``time_zone`` ...); a message for
    a field the form lacks goes to the top, so nothing is silently lost.
    """
    if isinstance(error, ServiceRefusedError):
        per_field = {name: [localized(message) for message in messages] for name, messages in error.field_errors.items()}
        general = service_problem(error) if not error.field_errors else None
    elif isinstance(error, ConsoleServiceError):
        per_field, general = {}, service_problem(error)
    else:  # the console's own use cases: English messages that the catalogue translates
        per_field = {name: [_(message) for message in messages]
                     for name, messages in (error.errors if isinstance(error.errors, dict) else {}).items()}
        general = None if per_field else _(error.message)
    for name, messages in per_field.items():
        target = getattr(form, name.split(".")[0], None)
        if target is not None and hasattr(target, "errors") and name != "csrf_token":
            target.errors = [*list(target.errors or []), *messages]
        else:
            form.form_errors.extend(f"{name}: {message}" for message in messages)
    if general:
        form.form_errors.append(general)


def optional_reads(reads: dict[str, Callable[[Any], Any]]) -> dict[str, tuple[Any, str | None]]:
    """Reads a page can do without, sent together: each ``(value, None)``, ``(None, problem to show)``,
    or ``(None, None)`` when the service refuses this person's role (the page then leaves that part out).

    Each read takes the person as its only argument (``functools.partial`` for the rest).
    """
    person = current_user._get_current_object()
    outcomes = service_clients().read_together({name: functools.partial(read, person) for name, read in reads.items()})
    results: dict[str, tuple[Any, str | None]] = {}
    for name, outcome in outcomes.items():
        if not isinstance(outcome, ConsoleServiceError):
            results[name] = (outcome, None)
        elif isinstance(outcome, ServiceRefusedError) and outcome.status == 403:
            results[name] = (None, None)
        else:
            results[name] = (None, service_problem(outcome))
    return results
