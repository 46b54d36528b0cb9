"""``/``: where to start, by role, and whether each service answers for this person."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, service_clients
from services.console.navigation import items_for

overview_pages = Blueprint("overview", __name__)


@overview_pages.get("/")
@login_required
def index():
    """Links for the person's role, and each service's view of them (the hand-over at work)."""
    services = []
    for name, client in service_clients().by_service().items():
        try:
            seen = client.whoami(current_user)
            services.append({"name": name, "ok": True, "role": seen["role"], "subject": seen["subject"]})
        except ConsoleServiceError as error:
            services.append({"name": name, "ok": False, "problem": error})
    items = [item for item in items_for(current_user.role) if item.endpoint != "overview.index"]
    return render_template("pages/overview.html", items=items, services=services)
