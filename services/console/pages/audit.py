"""``/settings/audit``: admins read every change made through the console, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from services.common.db import get_session
from services.console.audit import list_audit
from services.console.pages.support import role_required

audit_pages = Blueprint("audit", __name__, url_prefix="/settings/audit")
PAGE_SIZE = 50


def _offset() -> int:
    value = request.args.get("offset", "0")
    return min(int(value), 10_000_000) if value.isdigit() else 0


@audit_pages.get("")
@role_required()
def index():
    """One page of the log, optionally of one action (``?action=key.revoked``)."""
    action = request.args.get("action") or None
    page = list_audit(get_session(), limit=PAGE_SIZE, offset=_offset(), action=action)
    return render_template("pages/audit.html", page=page, action=action)
