"""``/settings/audit``: admins read every change made through the console, newest first."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from services.common.db import get_session
from services.console.audit import every_audit_entry, list_audit
from services.console.exports import FORMATS, export_response
from services.console.pages.support import role_required
from services.console.table_exports import AUDIT_COLUMNS, audit_rows

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


@audit_pages.get("/export.<fmt>")
@role_required()
def export(fmt: str):
    """The whole log (or one action's entries), newest first, as CSV (streamed) or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    wanted = request.args.get("action") or None
    entries = every_audit_entry(get_session(), action=wanted)
    return export_response(fmt, AUDIT_COLUMNS, audit_rows(entries, current_user.time_zone), "audit-log")
