"""``/``: the home page. Every active survey with its answers in the range, main score with interval, a
sparkline and the change against the previous range; then where to start, by role, and whether each
service answers for this person."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, service_clients
from services.console.dashboards.filters import read_filters, utc_bounds
from services.console.dashboards.home import home_reads, survey_cards
from services.console.dashboards.options import filter_options
from services.console.exports import FORMATS, export_response, with_same_query
from services.console.navigation import items_for
from services.console.pages.support import now, optional_reads
from services.console.table_exports import SURVEYS_COLUMNS, survey_rows

overview_pages = Blueprint("overview", __name__)
SCORE_READERS = ("admin", "marketer", "analyst", "team_lead", "finance")


def _services() -> list[dict]:
    services = []
    for name, client in service_clients().by_service().items():
        try:
            seen = client.whoami(current_user)
            services.append({"name": name, "ok": True, "role": seen["role"], "subject": seen["subject"]})
        except ConsoleServiceError as error:
            services.append({"name": name, "ok": False, "problem": error})
    return services


@overview_pages.get("/")
@login_required
def index():
    """The dashboard of the person's surveys, links for their role, and each service's view of them."""
    filters = read_filters(request.args)
    tz = current_user.time_zone
    _start, _end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    outcomes = optional_reads(home_reads(service_clients(), filters, first=first, after=after, tz=tz))
    values = {name: value for name, (value, _problem) in outcomes.items()}
    problems = sorted({problem for _value, problem in outcomes.values() if problem})
    items = [item for item in items_for(current_user.role) if item.endpoint != "overview.index"]
    return render_template("pages/overview.html", items=items, services=_services(), filters=filters,
                           cards=survey_cards(values) if values.get("now") is not None else None,
                           now_report=values.get("now"), problems=problems, first=format_date(first), last=format_date(after - timedelta(days=1)),
                           options=filter_options(values.get("surveys"), values.get("now")))


@overview_pages.get("/overview/export.<fmt>")
@login_required
def export(fmt: str):
    """The home page's surveys (main score, interval, change; the page's filters) as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    filters, tz = read_filters(request.args), current_user.time_zone
    _start, _end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    reads = home_reads(service_clients(), filters, first=first, after=after, tz=tz)
    reads.pop("trend")  # the sparklines are not in the table
    outcomes = optional_reads(reads)
    problems = sorted({problem for _value, problem in outcomes.values() if problem})
    if problems:  # a partial table would pass for a whole one
        flash(problems[0], "error")
        return redirect(with_same_query(url_for("overview.index")))
    values = {name: value for name, (value, _problem) in outcomes.items()}
    if values.get("now") is None:
        abort(403)  # metrics refuses this person's role scores
    return export_response(fmt, SURVEYS_COLUMNS, survey_rows(survey_cards(values)), "surveys")
