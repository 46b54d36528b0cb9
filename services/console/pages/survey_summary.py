"""``/surveys/<id>``: one survey's summary: funnel, scores with intervals, answer distribution, trend,
comparison with the previous period and a sorted breakdown (the builder is at ``/surveys/<id>/edit``)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.console.clients import ServiceRefusedError, service_clients
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
from services.console.pages.support import now, optional_reads

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
