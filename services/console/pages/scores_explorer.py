"""``/scores``: the scores explorer. Any metric, grouping and filter of ``GET /v1/scores`` as one chart
and the table of its numbers; the query string holds the whole view, so it can be bookmarked and shared."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, service_clients
from services.console.dashboards.explorer import (
    CONFIDENCES,
    EXPLORER_CHOICES,
    GROUP_LABELS,
    explorer_chart,
    read_exploration,
    scores_params,
)
from services.console.dashboards.filters import read_filters, utc_bounds
from services.console.dashboards.options import filter_options
from services.console.exports import FORMATS, export_refused, export_response, with_same_query
from services.console.pages.support import now, optional_reads
from services.console.table_exports import SCORES_COLUMNS, scores_rows

scores_explorer_pages = Blueprint("scores_explorer", __name__)


@scores_explorer_pages.get("/scores")
@login_required
def explore():
    """One metric's scores for the chosen groupings and filters, as a chart and a table."""
    filters = read_filters(request.args, extra=EXPLORER_CHOICES)
    exploration = read_exploration(request.args)
    tz = current_user.time_zone
    _start, _end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    clients = service_clients()
    outcomes = optional_reads({
        "report": functools.partial(clients.metrics.scores,
                                    params=scores_params(filters, exploration, first=first, after=after, tz=tz)),
        "surveys": functools.partial(clients.survey.list_surveys),
    })
    report, problem = outcomes["report"]
    surveys, _survey_problem = outcomes["surveys"]
    return render_template("pages/scores/explorer.html", filters=filters, exploration=exploration, report=report,
                           chart=explorer_chart(report, filters, exploration), problem=problem,
                           options=filter_options(surveys, report), groups=GROUP_LABELS, confidences=CONFIDENCES,
                           first=format_date(first), last=format_date(after - timedelta(days=1)))


@scores_explorer_pages.get("/scores/export.<fmt>")
@login_required
def export(fmt: str):
    """The view's table (the same query string as the page) as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    filters = read_filters(request.args, extra=EXPLORER_CHOICES)
    exploration = read_exploration(request.args)
    tz = current_user.time_zone
    _start, _end, first, after = utc_bounds(filters, now=now(), tz_name=tz)
    try:
        report = service_clients().metrics.scores(
            current_user, params=scores_params(filters, exploration, first=first, after=after, tz=tz))
    except ConsoleServiceError as error:
        return export_refused(error, with_same_query(url_for("scores_explorer.explore")))
    return export_response(fmt, SCORES_COLUMNS, scores_rows(report, exploration.by, exploration.split), "scores")
