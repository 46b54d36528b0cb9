"""``/surveys/<id>``: one survey's summary: funnel, scores with intervals, answer distribution, trend,
comparison with the previous period and a sorted breakdown (the builder is at ``/surveys/<id>/edit``)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.dashboards.filters import read_filters, utc_bounds
from services.console.dashboards.options import filter_options
from services.console.dashboards.summary import (
    BREAKDOWNS,
    SUMMARY_CHOICES,
    breakdown_of,
    metric_views,
    summary_reads,
)
from services.console.dashboards.voice import dropoff_steps, keyword_items
from services.console.exports import FORMATS, export_refused, export_response, with_same_query
from services.console.pages.support import now, optional_reads
from services.console.table_exports import BREAKDOWN_COLUMNS, TREND_COLUMNS, breakdown_rows, trend_rows

survey_summary_pages = Blueprint("survey_summary", __name__)


def _rate(funnel: dict | None) -> tuple[dict | None, str | None]:
    """The response rate with its interval, asked of metrics (it owns every statistic)."""
    if not funnel or not funnel["sent"]:
        return None, None
    outcome = optional_reads({"rate": lambda person: service_clients().metrics.proportion(
        person, successes=funnel["completed"], trials=funnel["sent"])})["rate"]
    return outcome


def _year_earlier(day: date) -> date:
    """The same date a year earlier (29 February -> 28th), as metrics' ``baseline=year_ago`` takes it."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)


@survey_summary_pages.get("/surveys/<int:survey_id>")
@login_required
def summary(survey_id: int):
    """The survey's numbers for the filter bar's range, each with its interval and n."""
    filters = read_filters(request.args, extra=SUMMARY_CHOICES)
    by = breakdown_of(request.args)
    tz = current_user.time_zone
    start, end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    try:
        survey = service_clients().survey.get_survey(current_user, survey_id)
    except ServiceRefusedError as error:
        abort(404 if error.status == 404 else 403)
    outcomes = optional_reads(summary_reads(service_clients(), survey_id, filters, start=start, end=end,
                                            first=first, after=after, tz=tz, by=by))
    values = {name: value for name, (value, _problem) in outcomes.items()}
    problems = sorted({problem for _value, problem in outcomes.values() if problem})
    rate, rate_problem = _rate(values.get("funnel"))
    span, against = (after - first).days, filters.extra["against"]
    baseline_first, baseline_after = ((_year_earlier(first), _year_earlier(after)) if against == "year_ago"
                                      else (first - timedelta(days=span), first))
    windows = {"current": _("%(first)s – %(last)s", first=format_date(first), last=format_date(after - timedelta(days=1))),
               "baseline": _("%(first)s – %(last)s", first=format_date(baseline_first),
                             last=format_date(baseline_after - timedelta(days=1)))}
    views = metric_views(values, period=filters.extra["period"], by=by, windows=windows, against=against)
    keywords, comments = keyword_items(values.get("keywords"))
    return render_template("pages/surveys/summary.html", survey=survey, survey_id=survey_id, filters=filters,
                           views=views, funnel=values.get("funnel"), rate=rate, by=by, breakdowns=BREAKDOWNS,
                           problems=[*problems, *([rate_problem] if rate_problem else [])], windows=windows,
                           now_report=values.get("now"), options=filter_options(None),
                           dropoff=values.get("dropoff"), steps=dropoff_steps(values.get("dropoff")),
                           keywords=keywords, comments=comments)


@survey_summary_pages.get("/surveys/<int:survey_id>/export/<any(trend, breakdown):table>.<fmt>")
@login_required
def export(survey_id: int, table: str, fmt: str):
    """The trend or the breakdown tables of every metric (the page's filters) as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    filters, by, tz = read_filters(request.args, extra=SUMMARY_CHOICES), breakdown_of(request.args), current_user.time_zone
    start, end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    read = summary_reads(service_clients(), survey_id, filters, start=start, end=end, first=first, after=after,
                         tz=tz, by=by)[table]
    try:
        service_clients().survey.get_survey(current_user, survey_id)  # who may open the page may export it
        report = read(current_user)
    except ConsoleServiceError as error:
        return export_refused(error, with_same_query(url_for("survey_summary.summary", survey_id=survey_id)))
    if table == "trend":
        return export_response(fmt, TREND_COLUMNS, trend_rows(report, filters.extra["period"]),
                               f"survey-{survey_id}-trend")
    return export_response(fmt, BREAKDOWN_COLUMNS, breakdown_rows(report, by), f"survey-{survey_id}-breakdown")
