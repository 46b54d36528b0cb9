"""Names every template can use: role and language labels, the menu, service problems, the time zone."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_timezone

from services.common.db import get_session
from services.console.navigation import site_nav
from services.console.pages.support import service_problem
from services.console.people import name_of_subject
from services.console.vocabulary import LANGUAGE_LABELS, ROLE_LABELS, audit_action_label, language_choices
from services.console.widgets import form_field


def init_template_context(app: Flask) -> None:
    """Register the template globals."""
    app.jinja_env.globals.update(
        role_label=lambda role: ROLE_LABELS.get(role, role),
        language_label=lambda language: LANGUAGE_LABELS.get(language, language),
        site_nav=site_nav,
        audit_action_label=audit_action_label,
        language_choices=language_choices,
        service_problem=service_problem,
        form_field=form_field,
        person_named=lambda subject: name_of_subject(get_session(), subject),
    )

    @app.context_processor
    def _time_zone() -> dict:
        return {"current_time_zone": str(get_timezone())}
