"""The rows a chart draws (an estimate with its interval and n) and the words it shows."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: the colours of the console (console.css): ink, interval band, faded, good, bad
INK, BAND, FADED, GOOD, BAD = "#1d4f91", "#9cb8e0", "#8a8f98", "#1b7a3d", "#b3261e"
FONT = "NanumGothic, 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"


@dataclass(frozen=True)
class ChartText:
    """The words of a chart in the reader's language (the caller translates them)."""

    x_title: str
    y_title: str
    value: str  # tooltip title of the estimate ("NPS", "CSAT %", ...)
    interval: str  # tooltip title of the interval ("95% interval")
    n: str  # tooltip title of the sample size ("answers")
    too_few: str  # the label of a faded cell ("too few answers")
    description: str = ""  # what the chart shows, for screen readers (aria-label of the chart)


@dataclass(frozen=True)
class ChartRow:
    """One estimate as a chart draws it. ``key`` orders or identifies the row; ``label`` is shown."""

    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    faded: bool
    interval: str = ""  # the interval as text, for the tooltip ("41.2 – 55.0")
    series: str = ""  # which line or group a row belongs to, when a chart holds several

    def as_datum(self) -> dict[str, Any]:
        """The row as a Vega-Lite datum."""
        return asdict(self)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    # Six decimals: the table under a chart rounds once more for display, and a value first rounded to
    # two decimals (83.2536 -> 83.25) would then show as 83.2 instead of 83.3.
    return None if math.isnan(number) or math.isinf(number) else round(number, 6)


def interval_text(low: float | None, high: float | None, digits: int = 1) -> str:
    """``"41.2 – 55.0"``, or an empty string when the interval is unknown."""
    if low is None or high is None:
        return ""
    return f"{low:.{digits}f} – {high:.{digits}f}"


def rows_of_estimates(items: Iterable[tuple[str, str, Mapping[str, Any]]], *, series: str = "") -> list[ChartRow]:
    """Chart rows from ``(key, label, estimate)`` triples, an estimate being the contracts' envelope
    (``value``, ``ci_low``, ``ci_high``, ``n``, ``insufficient``)."""
    rows = []
    for key, label, estimate in items:
        low, high = _number(estimate.get("ci_low")), _number(estimate.get("ci_high"))
        rows.append(ChartRow(key=key, label=label, value=_number(estimate.get("value")), low=low, high=high,
                             n=int(estimate.get("n") or 0), faded=bool(estimate.get("insufficient")),
                             interval=interval_text(low, high), series=series))
    return rows


def tooltip(text: ChartText, *, label_title: str) -> list[dict[str, Any]]:
    """The tooltip of every estimate: what, value, interval and n."""
    return [{"field": "label", "type": "nominal", "title": label_title},
            {"field": "value", "type": "quantitative", "title": text.value, "format": ".1f"},
            {"field": "interval", "type": "nominal", "title": text.interval},
            {"field": "n", "type": "quantitative", "title": text.n, "format": ","}]


def base_spec(text: ChartText, rows: list[ChartRow], *, height: int) -> dict[str, Any]:
    """What every chart shares: schema, data, size that follows its container, fonts, description."""
    return {
        "$schema": SCHEMA,
        "description": text.description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": [row.as_datum() for row in rows]},
        # aria off for marks and guides: screen readers get the chart's description (the SVG's label)
        # and the table of the same numbers under it, not one announcement per point, rule and tick.
        "config": {"font": FONT, "view": {"stroke": None}, "aria": False, "mark": {"aria": False},
                   "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 140},
                   "background": "white"},
    }


def fade_opacity() -> dict[str, Any]:
    """Opacity encoding: cells below the minimum sample drawn faded."""
    return {"condition": {"test": "datum.faded", "value": 0.35}, "value": 1}
