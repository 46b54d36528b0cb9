"""Charts in the person's language: metric names, period labels in their time zone, the words of every
chart, and the table of the same numbers that sits under it (for screen readers and for copying)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_skeleton as _babel_skeleton
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.charts import ChartRow, ChartText

METRIC_LABELS = {"nps": _l("NPS"), "csat": _l("CSAT"), "ces": _l("CES")}
METRIC_AXES = {"nps": _l("NPS (points, −100 to 100)"), "csat": _l("CSAT (% satisfied)"),
               "ces": _l("CES (mean effort, 1 to 7)")}
PERIOD_LABELS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month")}
_ids = itertools.count(1)


def metric_label(metric: str) -> str:
    """NPS, CSAT or CES in the person's language."""
    return str(METRIC_LABELS.get(metric, metric))


def format_skeleton(skeleton: str, day: date) -> str:
    """A date in the person's language by a CLDR skeleton ("MMMd": "Mar 3" / "3월 3일")."""
    return _babel_skeleton(skeleton, day, locale=get_locale() or "en")


def period_label(iso_day: str, period: str) -> str:
    """A period's first local day as the person reads it: "Mar 3" (a day, or the first day of a week: the
    axis title says which), "Mar 2025". Short, so that an axis stays readable at 360 px."""
    try:
        day = date.fromisoformat(iso_day)
    except ValueError:
        return iso_day
    if period == "month":
        return format_skeleton("yMMM", day)
    return format_skeleton("MMMd", day)


def number(value: float | None, digits: int = 1) -> str:
    """A number formatted for the person's language (empty for None)."""
    if value is None:
        return ""
    return format_decimal(round(value, digits), format="#,##0." + "0" * digits if digits else "#,##0")


def chart_text(metric: str, *, x_title: str, description: str, y_title: str | None = None) -> ChartText:
    """The words of a chart of ``metric`` in the person's language."""
    return ChartText(x_title=x_title, y_title=y_title or str(METRIC_AXES.get(metric, metric)),
                     value=metric_label(metric), interval=_("95% interval"), n=_("answers"),
                     too_few=_("too few answers"), description=description)


@dataclass
class Chart:
    """A chart on a page: its spec for the browser and the rows for the table under it."""

    title: str
    spec: dict[str, Any]
    rows: list[ChartRow]
    text: ChartText
    label_heading: str
    kind: str = ""  # trend, sparkline, distribution, comparison, forest: tests and styles find a chart by it
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    def table(self) -> list[dict[str, str]]:
        """The chart's numbers, formatted for the person's language."""
        return [{"label": row.label, "series": row.series, "value": number(row.value),
                 "interval": f"{number(row.low)} – {number(row.high)}" if row.low is not None else "",
                 "n": number(row.n, 0), "note": self_note(row, self.text)} for row in self.rows]

    @property
    def has_series(self) -> bool:
        """Whether the rows belong to several lines (the table then names each row's line)."""
        return len({row.series for row in self.rows}) > 1


def self_note(row: ChartRow, text: ChartText) -> str:
    """"too few answers" for a faded row."""
    return text.too_few if row.faded else ""
