"""The scores explorer: any metric, grouping and filter of ``GET /v1/scores`` as one chart and its table.

The whole view lives in the query string (the filter bar plus ``metric``, ``by``, ``split``, ``period``,
``question``, ``dimension``, ``driver``, ``confidence`` and ``min_n``), so a view can be bookmarked and
shared. Values the scores API would refuse are dropped here and named, like the filter bar's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.console.dashboards.charting import METRIC_AXES, Chart, chart_text, metric_label, period_label
from services.console.dashboards.filters import Filters
from shared.charts import forest_spec, rows_of_estimates, trend_spec
from shared.contracts.scores import ATTRIBUTE_GROUP, GROUPS, PERIODS
from shared.question_types import SCORE_METRICS

GROUP_LABELS = {"period": _l("Period (trend)"), "touchpoint": _l("Touchpoint"), "survey": _l("Survey"),
                "question": _l("Question"), "channel": _l("Channel"), "dimension": _l("Experience dimension"),
                "driver": _l("Driver")}
CONFIDENCES = ("0.95", "0.9", "0.8", "0.99")
#: the explorer's own choices, for ``read_filters(extra=...)``: the first value is the default
EXPLORER_CHOICES = {"metric": tuple(SCORE_METRICS), "period": ("week", *[p for p in PERIODS if p != "week"]),
                    "confidence": CONFIDENCES}
_NARROW = re.compile(r"^[\w.\-: ]{1,100}$")
_MIN_N = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True)
class Exploration:
    """What the explorer asks beyond the filter bar: groupings, narrowing filters and the minimum n."""

    by: str = ""
    split: str = ""
    question: str = ""
    dimension: str = ""
    driver: str = ""
    min_n: int = 30
    problems: tuple[str, ...] = ()

    def state(self) -> dict[str, str]:
        """The non-default parts, for the URL (``Filters.extra``)."""
        pairs = {"by": self.by, "split": self.split, "question": self.question, "dimension": self.dimension,
                 "driver": self.driver, "min_n": str(self.min_n) if self.min_n != 30 else ""}
        return {name: value for name, value in pairs.items() if value}


def _grouping(value: str) -> str | None:
    """A grouping the scores API takes (``period``, ``channel``, ``attr.region`` ...), or None."""
    return value if value in GROUPS or ATTRIBUTE_GROUP.match(value) else None


def read_exploration(args) -> Exploration:
    """The explorer's groupings and narrowing filters from the query string; bad values dropped and named."""
    problems: list[str] = []
    chosen: dict[str, Any] = {}
    attribute = (args.get("by_attribute") or "").strip()
    for name in ("by", "split"):
        raw = f"attr.{attribute}" if name == "by" and attribute else (args.get(name) or "").strip()
        if raw and _grouping(raw) is None:
            problems.append("group")
            raw = ""
        chosen[name] = raw
    if chosen["split"] and (not chosen["by"] or chosen["split"] == chosen["by"]):
        chosen["split"] = ""
    if chosen["split"] == "period":  # a trend is always drawn along periods: make period the first grouping
        chosen["by"], chosen["split"] = "period", chosen["by"]
    for name in ("question", "dimension", "driver"):
        raw = (args.get(name) or "").strip()
        if raw and not _NARROW.match(raw):
            problems.append(name)
            raw = ""
        chosen[name] = raw
    raw_min = (args.get("min_n") or "").strip()
    chosen["min_n"] = int(raw_min) if _MIN_N.match(raw_min) else 30
    if raw_min and not _MIN_N.match(raw_min):
        problems.append("min_n")
    return Exploration(problems=tuple(problems), **chosen)


def scores_params(filters: Filters, exploration: Exploration, *, first, after, tz: str) -> dict[str, Any]:
    """The ``GET /v1/scores`` query of this view."""
    group_by = [g for g in (exploration.by, exploration.split) if g]
    return {"metric": filters.extra["metric"], "group_by": group_by, "period": filters.extra["period"],
            "from": first.isoformat(), "to": after.isoformat(), "tz": tz, "confidence": filters.extra["confidence"],
            "min_n": exploration.min_n, "question": exploration.question, "dimension": exploration.dimension,
            "driver": exploration.driver, **filters.scope()}


def group_label(name: str) -> str:
    """A grouping's name in the person's language (an attribute's own name for ``attr.<name>``)."""
    return str(GROUP_LABELS.get(name, name.removeprefix("attr.")))


def _value_label(group: dict[str, Any], name: str) -> str:
    value = group.get(name)
    return _("(none)") if value is None else str(value)


def explorer_chart(report: dict[str, Any] | None, filters: Filters, exploration: Exploration) -> Chart | None:
    """The view's chart: a trend (one line per ``split`` value) when grouped by period, else the groups'
    intervals side by side, sorted (a forest plot); None when the report holds nothing."""
    if not report or not report.get("cells"):
        return None
    metric, period = filters.extra["metric"], filters.extra["period"]
    percent = f"{float(filters.extra['confidence']) * 100:g}"
    interval = _("%(percent)s%% interval", percent=percent)
    if exploration.by == "period":
        rows = []
        for series in report.get("series", []):
            name = _value_label(series["group"], exploration.split) if exploration.split else ""
            rows += rows_of_estimates(((p["period"], period_label(p["period"], period), p) for p in series["points"]),
                                      series=name)
        x_title = {"day": _("Day"), "week": _("Week (first day)"), "month": _("Month")}[period]
        text = chart_text(metric, x_title=x_title, description=_(
            "%(metric)s by %(period)s with %(interval)s bands", metric=metric_label(metric), period=x_title,
            interval=interval))
        text = type(text)(**{**text.__dict__, "interval": interval})
        return Chart(title=_("%(metric)s trend", metric=metric_label(metric)), spec=trend_spec(rows, text),
                     rows=rows, text=text, label_heading=x_title, kind="trend")
    groups = [g for g in (exploration.by, exploration.split) if g]
    heading = " · ".join(group_label(g) for g in groups) or _("All answers")
    items = []
    for cell in report["cells"]:
        label = " · ".join(_value_label(cell["group"], g) for g in groups) or metric_label(metric)
        items.append((label, label, cell))
    rows = rows_of_estimates(items)
    text = chart_text(metric, x_title=str(METRIC_AXES.get(metric, metric)), y_title=heading, description=_(
        "%(metric)s by %(group)s, each with its %(interval)s, highest first", metric=metric_label(metric), group=heading,
        interval=interval))
    text = type(text)(**{**text.__dict__, "interval": interval})
    ordered = sorted(rows, key=lambda r: (r.value is None, -(r.value or 0.0)))
    return Chart(title=_("%(metric)s by %(group)s", metric=metric_label(metric), group=heading),
                 spec=forest_spec(rows, text), rows=ordered, text=text, label_heading=heading, kind="forest")
