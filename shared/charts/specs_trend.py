"""Trends over periods: a line with its interval band, and the small sparkline of a card."""

from __future__ import annotations

from typing import Any

from shared.charts.rows import BAND, INK, ChartRow, ChartText, base_spec, fade_opacity, tooltip


def _x(text: ChartText, *, axis: bool = True) -> dict[str, Any]:
    # The periods arrive in order and already labelled in the reader's time zone and language, so the
    # axis is ordinal in data order: no date is re-parsed (and shifted) in the browser's own zone.
    encoding: dict[str, Any] = {"field": "label", "type": "ordinal", "sort": None, "title": text.x_title,
                                "scale": {"type": "point", "padding": 0.3}}
    # Level labels that drop the ones that would overlap: at 360 px a quarter of weeks shows every other.
    encoding["axis"] = {"labelAngle": 0, "labelOverlap": "greedy", "labelSeparation": 8, "labelFlush": True,
                                                  "labelPadding": 4} if axis else None
    return encoding


def trend_spec(rows: list[ChartRow], text: ChartText, *, height: int = 240,
               y_domain: tuple[float, float] | None = None) -> dict[str, Any]:
    """A trend: each period's estimate on a line, its interval as a band, faded and labelled points
    below the minimum sample. Rows of several ``series`` are drawn as several coloured lines."""
    several = len({row.series for row in rows}) > 1
    y_scale: dict[str, Any] = {"zero": False, "nice": True}
    if y_domain is not None:
        y_scale["domain"] = list(y_domain)
    colour: dict[str, Any] = ({"color": {"field": "series", "type": "nominal", "title": None,
                                         "legend": {"orient": "bottom", "labelLimit": 200}}} if several else {})
    tips = tooltip(text, label_title=text.x_title)
    if several:
        tips = [{"field": "series", "type": "nominal", "title": " "}, *tips]
    spec = base_spec(text, rows, height=height)
    spec["encoding"] = {"x": _x(text)}
    spec["layer"] = [
        {"mark": {"type": "errorband", "color": BAND if not several else None, "opacity": 0.45,
                  "borders": False},
         "encoding": {"y": {"field": "low", "type": "quantitative", "title": text.y_title, "scale": y_scale},
                      "y2": {"field": "high"}, **colour}},
        {"mark": {"type": "line", "color": INK if not several else None, "strokeWidth": 2},
         "encoding": {"y": {"field": "value", "type": "quantitative"}, **colour}},
        {"mark": {"type": "point", "filled": True, "size": 60, "color": INK if not several else None},
         "encoding": {"y": {"field": "value", "type": "quantitative"}, "opacity": fade_opacity(),
                      "tooltip": tips, **colour}},
        # Each faded point labelled while there are few; past three the labels would cover the line, and
        # the page's note under the chart and the table's note column say it instead.
        {"transform": [{"filter": "datum.faded" if sum(row.faded for row in rows) <= 3 else "false"}],
         "mark": {"type": "text", "dy": -12, "fontSize": 10, "color": "#5a5f66"},
         "encoding": {"y": {"field": "value", "type": "quantitative"},
                      "text": {"value": text.too_few}}},
    ]
    return spec


def sparkline_spec(rows: list[ChartRow], text: ChartText, *, height: int = 44) -> dict[str, Any]:
    """A card's small trend: band and line without axes; the tooltip still gives value, interval and n."""
    spec = base_spec(text, rows, height=height)
    spec["config"]["axis"] = {"grid": False}
    spec["encoding"] = {"x": {**_x(text, axis=False), "title": None}}
    hidden = {"axis": None, "title": None, "scale": {"zero": False}}
    spec["layer"] = [
        {"mark": {"type": "errorband", "color": BAND, "opacity": 0.5, "borders": False},
         "encoding": {"y": {"field": "low", "type": "quantitative", **hidden}, "y2": {"field": "high"}}},
        {"mark": {"type": "line", "color": INK, "strokeWidth": 1.5},
         "encoding": {"y": {"field": "value", "type": "quantitative", **hidden}}},
        {"mark": {"type": "point", "filled": True, "size": 18, "color": INK},
         "encoding": {"y": {"field": "value", "type": "quantitative", **hidden}, "opacity": fade_opacity(),
                      "tooltip": tooltip(text, label_title=text.x_title)}},
    ]
    return spec
