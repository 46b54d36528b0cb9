"""Start-up: the admin named by CX_CONSOLE_ADMIN_EMAIL / CX_CONSOLE_ADMIN_PASSWORD exists (idempotent)."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from services.console.exceptions import EmailTakenError
from services.console.people import ensure_user

log = logging.getLogger("cxloop.console.bootstrap")


def ensure_bootstrap_admin(app: Flask) -> None:
    """Create the configured admin unless a person with that email exists (never overwritten)."""
    email, password = app.config.get("BOOTSTRAP_ADMIN_EMAIL"), app.config.get("BOOTSTRAP_ADMIN_PASSWORD")
    if not email or not password:
        return
    database = app.extensions["db"]
    with database.session_factory() as session:
        try:
            created = ensure_user(session, email=email, password=password, role="admin",
                                  now=app.extensions["clock"].now(), display_name="Admin",
                                  language=app.config["DEFAULT_LANGUAGE"], time_zone=app.config["DEFAULT_TIME_ZONE"])
        except (IntegrityError, EmailTakenError):  # another gunicorn worker created it at the same moment
            session.rollback()
            created = False
        except (OperationalError, ProgrammingError) as error:  # not migrated yet: readyz tells
            log.error("console admin not ensured (is the database migrated?): %s", error)
            return
    if created:
        log.info("console admin created from CX_CONSOLE_ADMIN_EMAIL")
