"""The chart of a score notice: the shared trend spec (``shared.charts``: the line with its interval
band, dates on the axis, small samples faded) plus the baseline as a dashed line and the alerted
window marked, rendered to PNG by vl-convert for the email."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.notifier.channels.wording import as_moment, day, metric_name, words_for, zone
from shared.charts import ChartText, rows_of_estimates, trend_spec
from shared.charts.png import render_png
from shared.charts.rows import BAD

CHART_WIDTH = 560
CHART_TEXT = {
    "en": {"week": "Week starting", "day": "Day", "interval": "95% interval", "n": "answers",
           "too_few": "too few answers"},
    "ko": {"week": "주 시작일", "day": "날짜", "interval": "95% 구간", "n": "응답 수", "too_few": "응답이 너무 적음"},
}
MIN_N = 30  # the usual min_n of a rule: points below it are drawn faded


def _step(points: list[dict[str, Any]]) -> timedelta:
    """The length of the trend's periods (days or weeks), from its first two period dates."""
    try:
        first, second = (datetime.fromisoformat(str(p["period"])) for p in points[:2])
    except ValueError:
        return timedelta(days=7)
    return timedelta(days=1) if second - first <= timedelta(days=1) else timedelta(days=7)


def _alerted(period: str, step: timedelta, window: dict[str, Any], tz: str | None) -> bool:
    """True when at least half of the period starting on ``period`` (a local date, ``YYYY-MM-DD``) lies in
    the alerted window (a UTC-aligned window touches a second local week by a few hours)."""
    start, end = as_moment(window.get("from")), as_moment(window.get("to"))
    if start is None or end is None or len(period) != 10:
        return False
    first = datetime.fromisoformat(period).replace(tzinfo=zone(tz))
    overlap = min(end, first + step) - max(start, first)
    return overlap >= step / 2


def notice_spec(notice: dict[str, Any], *, lang: str, tz: str | None) -> dict[str, Any] | None:
    """The Vega-Lite spec of a score notice's chart; None with fewer than two points with a value."""
    # A period cut by the query's range (the week still running, or the first one) would stand beside
    # whole weeks as if it were one: left out.
    points = [p for p in notice.get("trend") or [] if p.get("value") is not None and not p.get("partial")]
    if len(points) < 2:
        return None
    words, labels = words_for(lang), CHART_TEXT.get(lang, CHART_TEXT["en"])
    metric = metric_name(notice.get("volume_of") or notice.get("metric"), lang)
    min_n = (notice.get("rule") or {}).get("min_n", MIN_N)
    rows = rows_of_estimates(
        (p["period"], day(p["period"], lang, "UTC") if len(str(p["period"])) == 10 else str(p["period"]),
         {**p, "insufficient": (p.get("n") or 0) < min_n}) for p in points)
    step = _step(points)
    text = ChartText(x_title=labels["day" if step < timedelta(days=7) else "week"], y_title=metric, value=metric, interval=labels["interval"], n=labels["n"],
                     too_few=labels["too_few"], description=words["chart_alt"].format(metric=metric))
    spec = trend_spec(rows, text, height=220)
    window = notice.get("window") or {}
    alerted = [row.key for point, row in zip(points, rows, strict=True)
               if _alerted(str(point["period"]), step, window, tz)]
    marks: list[dict[str, Any]] = []
    if alerted:  # filtered from the chart's own rows, so the axis keeps the rows' order
        only_alerted = [{"filter": {"field": "key", "oneOf": alerted}}]
        marks.append({"transform": only_alerted,
                      "mark": {"type": "rule", "color": BAD, "opacity": 0.18, "strokeWidth": 26}})
        marks.append({"transform": [*only_alerted, {"calculate": repr(words["alerted_mark"]), "as": "mark_text"}],
                      "mark": {"type": "text", "color": BAD, "fontWeight": "bold", "dy": -4, "baseline": "bottom",
                               "y": 0},
                      "encoding": {"text": {"field": "mark_text"}}})
    baseline = (notice.get("baseline") or {}).get("value")
    if baseline is not None:
        line = {"data": {"values": [{"baseline": baseline, "text": f"{words['baseline_mark']} {baseline:.1f}"}]}}
        marks.append({**line, "mark": {"type": "rule", "color": "#4a5360", "strokeDash": [5, 4], "strokeWidth": 1.5},
                      "encoding": {"x": None, "y": {"field": "baseline", "type": "quantitative"}}})
        marks.append({**line, "mark": {"type": "text", "color": "#4a5360", "align": "right", "dy": -7,
                                       "x": {"expr": "width"}},
                      "encoding": {"x": None, "y": {"field": "baseline", "type": "quantitative"},
                                   "text": {"field": "text"}}})
    spec["encoding"]["x"]["scale"] = {**spec["encoding"]["x"].get("scale", {}), "domain": [row.label for row in rows]}
    spec["layer"] = marks[:1] + spec["layer"] + marks[1:]  # the window's band behind the line
    return spec


def notice_chart(notice: dict[str, Any], *, lang: str, tz: str | None) -> bytes | None:
    """The chart of a score notice as PNG (None for notices without a trend)."""
    spec = notice_spec(notice, lang=lang, tz=tz)
    return None if spec is None else render_png(spec, width=CHART_WIDTH)
