"""The survey summary: funnel, score cards, answer distribution, trend, comparison and breakdown of one
survey, all read from the survey and metrics APIs for the filter bar's range."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.console.dashboards.charting import METRIC_AXES, Chart, chart_text, metric_label, period_label
from services.console.dashboards.filters import Filters
from shared.charts import ChartRow, comparison_spec, distribution_spec, forest_spec, rows_of_estimates, trend_spec
from shared.charts.rows import BAD, GOOD
from shared.contracts.scores import ATTRIBUTE_GROUP, PERIODS
from shared.question_types import SCORE_METRICS

BREAKDOWNS = {"channel": _l("Channel"), "touchpoint": _l("Touchpoint"), "question": _l("Question"),
              "dimension": _l("Experience dimension"), "driver": _l("Driver")}
SUMMARY_CHOICES = {"period": ("week", *[p for p in PERIODS if p != "week"]),
                   "against": ("previous", "year_ago")}  # the comparison's baseline (metrics' compare)


def breakdown_of(args) -> str:
    """The breakdown asked for: a grouping of the scores API or ``attr.<attribute>``; channel by default."""
    value = (args.get("by") or "channel").strip()
    return value if value in BREAKDOWNS or ATTRIBUTE_GROUP.match(value) else "channel"


def summary_reads(clients, survey_id: int, filters: Filters, *, start: datetime, end: datetime, first: date,
                  after: date, tz: str, by: str) -> dict[str, Any]:
    """The summary's independent reads (each takes the person), for ``optional_reads``."""
    scope = {**filters.scope(), "survey": str(survey_id)}
    span = {"from": first.isoformat(), "to": after.isoformat(), "tz": tz}
    metrics = ",".join(SCORE_METRICS)
    reads: dict[str, Any] = {
        "funnel": functools.partial(clients.survey.funnel, survey_id=survey_id, start=start, end=end),
        "dropoff": functools.partial(clients.survey.dropoff, survey_id=survey_id, start=start, end=end),
        "keywords": functools.partial(clients.metrics.keywords, params={
            "split": "none", "top_k": 10, "min_count": 3, "examples": 2, **span, **scope}),
        "now": functools.partial(clients.metrics.scores, params={"metric": metrics, **span, **scope}),
        "trend": functools.partial(clients.metrics.scores, params={
            "metric": metrics, "group_by": "period", "period": filters.extra["period"], **span, **scope}),
        "breakdown": functools.partial(clients.metrics.scores, params={
            "metric": metrics, "group_by": by, **span, **scope}),
    }
    for metric in SCORE_METRICS:
        reads[f"compare_{metric}"] = functools.partial(clients.metrics.compare, params={
            "metric": metric, "window": f"{(after - first).days}d", "to": after.isoformat(), "tz": tz,
            "baseline": filters.extra["against"], **scope})
    return reads


@dataclass
class MetricView:
    """Everything the summary shows about one metric of the survey."""

    metric: str
    estimate: dict[str, Any]
    comparison: dict[str, Any] | None
    trend: Chart | None
    distribution: Chart | None
    compare_chart: Chart | None
    breakdown: Chart | None

    @property
    def name(self) -> str:
        return metric_label(self.metric)


def _trend(report: dict[str, Any] | None, metric: str, period: str) -> Chart | None:
    for series in (report or {}).get("series", []):
        if series["metric"] == metric:
            rows = rows_of_estimates((p["period"], period_label(p["period"], period), p) for p in series["points"])
            x_title = {"day": _("Day"), "week": _("Week (first day)"), "month": _("Month")}[period]
            text = chart_text(metric, x_title=x_title, description=_(
                "%(metric)s by %(period)s with 95%% interval bands", metric=metric_label(metric), period=x_title))
            return Chart(title=_("Trend"), spec=trend_spec(rows, text), rows=rows, text=text, label_heading=x_title,
                         kind="trend")
    return None


def _level_groups(metric: str) -> list[tuple[range, str, str]]:
    """The answer values of ``metric`` in the groups its score counts, with their colours."""
    if metric == "nps":
        return [(range(0, 7), _("Detractors (0–6)"), BAD), (range(7, 9), _("Passives (7–8)"), "#8a8f98"),
                (range(9, 11), _("Promoters (9–10)"), GOOD)]
    if metric == "csat":
        return [(range(1, 4), _("Not satisfied (1–3)"), BAD), (range(4, 6), _("Satisfied (4–5)"), GOOD)]
    return [(range(1, 5), _("Not easy (1–4)"), "#8a8f98"), (range(5, 8), _("Easy (5–7)"), GOOD)]


def _level_bars(metric: str, estimate: dict[str, Any]) -> Chart | None:
    """One bar per answer value (NPS 0-10, CSAT 1-5, CES 1-7), coloured by the group the score counts it in."""
    counts, n = estimate.get("answer_counts"), estimate.get("n") or 0
    groups = _level_groups(metric)
    values = [value for values, _label, _colour in groups for value in values]
    if not n or not counts or len(counts) != len(values):
        return None
    group_of = {value: label for values, label, _colour in groups for value in values}
    rows = [ChartRow(key=str(value), label=str(value), value=round(100.0 * count / n, 1), low=None, high=None,
                     n=int(count), faded=bool(estimate.get("insufficient")), series=group_of[value])
            for value, count in zip(values, counts, strict=True)]
    text = chart_text(metric, x_title=_("Answer"), y_title=_("Share of answers (%)"),
                      description=_("How the %(metric)s answers spread, value by value", metric=metric_label(metric)))
    text = type(text)(**{**text.__dict__, "value": _("Share (%)")})
    colours = {label: colour for _values, label, colour in groups}
    return Chart(title=_("Answer distribution"), spec=distribution_spec(rows, text, colours=colours, legend=True),
                 rows=rows, text=text, label_heading=_("Answer"), kind="distribution")


def _distribution(metric: str, estimate: dict[str, Any]) -> Chart | None:
    parts, n = estimate.get("parts") or {}, estimate.get("n") or 0
    if not n:
        return None
    bars = _level_bars(metric, estimate)
    if bars is not None:
        return bars
    if metric == "nps":
        levels = [("detractors", _("Detractors (0–6)"), BAD), ("passives", _("Passives (7–8)"), "#8a8f98"),
                  ("promoters", _("Promoters (9–10)"), GOOD)]
        rows = [ChartRow(key=key, label=label, value=round(100.0 * parts.get(key, 0) / n, 1), low=None, high=None,
                         n=int(parts.get(key, 0)), faded=bool(estimate.get("insufficient")), series=label)
                for key, label, _colour in levels]
        colours = {label: colour for _key, label, colour in levels}
    elif metric == "csat":
        levels = [("not_satisfied", _("Not satisfied (1–3)"), BAD), ("satisfied", _("Satisfied (4–5)"), GOOD)]
        rows = [ChartRow(key=key, label=label, value=round(100.0 * parts.get(key, 0) / n, 1), low=None, high=None,
                         n=int(parts.get(key, 0)), faded=bool(estimate.get("insufficient")), series=label)
                for key, label, _colour in levels]
        colours = {label: colour for _key, label, colour in levels}
    else:
        share = parts.get("share_5_7")
        if share is None:
            return None
        low, high = parts.get("share_5_7_ci_low"), parts.get("share_5_7_ci_high")
        rows = rows_of_estimates([("share_5_7", _("Easy (5–7)"), {"value": share, "ci_low": low, "ci_high": high,
                                                                  "n": n, "insufficient": estimate.get("insufficient")})])
        colours = None
    text = chart_text(metric, x_title=_("Answer"), y_title=_("Share of answers (%)"),
                      description=_("How the %(metric)s answers spread", metric=metric_label(metric)))
    text = type(text)(**{**text.__dict__, "value": _("Share (%)")})
    return Chart(title=_("Answer distribution"), spec=distribution_spec(rows, text, colours=colours), rows=rows,
                 text=text, label_heading=_("Answer"), kind="distribution")


def _comparison(metric: str, cell: dict[str, Any] | None, windows: dict[str, str], against: str) -> Chart | None:
    if not cell:
        return None
    # Short row labels keep the axis readable at 360 px; the title gives both windows' dates.
    year_ago = against == "year_ago"
    baseline, current = rows_of_estimates([
        ("baseline", _("A year earlier") if year_ago else _("Previous period"), cell["baseline"]),
        ("current", _("This period"), cell["current"])])
    title = (_("This period (%(current)s) against the same dates a year earlier (%(baseline)s)", **windows)
             if year_ago else _("This period (%(current)s) against the previous one (%(baseline)s)", **windows))
    text = chart_text(metric, x_title=_axis(metric), y_title=_("Period"), description=title)
    return Chart(title=title, spec=comparison_spec(baseline, current, text), rows=[baseline, current], text=text,
                 label_heading=_("Period"), kind="comparison")


def _axis(metric: str) -> str:
    return str(METRIC_AXES.get(metric, metric))


def _breakdown(report: dict[str, Any] | None, metric: str, by: str, overall: float | None) -> Chart | None:
    cells = [c for c in (report or {}).get("cells", []) if c["metric"] == metric]
    if not cells:
        return None
    heading = str(BREAKDOWNS.get(by, by.removeprefix("attr.")))
    rows = rows_of_estimates((str(c["group"].get(by)), str(c["group"].get(by) or _("(none)")), c) for c in cells)
    text = chart_text(metric, x_title=_axis(metric), y_title=heading, description=_(
        "%(metric)s by %(group)s with 95%% intervals, highest first", metric=metric_label(metric), group=heading))
    return Chart(title=_("Breakdown by %(group)s", group=heading), spec=forest_spec(rows, text, reference=overall),
                 rows=sorted(rows, key=lambda r: (r.value is None, -(r.value or 0.0))), text=text,
                 label_heading=heading, kind="forest")


def metric_views(values: dict[str, Any], *, period: str, by: str, windows: dict[str, str],
                 against: str = "previous") -> list[MetricView]:
    """One view per metric the survey has answers for in the range, the most answered first."""
    views = []
    for cell in sorted((values.get("now") or {}).get("cells", []), key=lambda c: -c["n"]):
        metric = cell["metric"]
        if not cell["n"]:
            continue
        comparison = next(iter((values.get(f"compare_{metric}") or {}).get("cells", [])), None)
        views.append(MetricView(metric=metric, estimate=cell, comparison=comparison,
                                trend=_trend(values.get("trend"), metric, period),
                                distribution=_distribution(metric, cell),
                                compare_chart=_comparison(metric, comparison, windows, against),
                                breakdown=_breakdown(values.get("breakdown"), metric, by, cell.get("value"))))
    return views
