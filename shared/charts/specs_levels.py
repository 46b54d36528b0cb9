"""How the answers spread over the levels of a scale (promoters / passives / detractors, CSAT, CES)."""

from __future__ import annotations

from typing import Any

from shared.charts.rows import INK, ChartRow, ChartText, base_spec, fade_opacity, tooltip


def distribution_spec(rows: list[ChartRow], text: ChartText, *, colours: dict[str, str] | None = None,
                      height: int = 200, legend: bool = False) -> dict[str, Any]:
    """Bars of each level's share of answers (``value`` in percent, ``n`` answers), in row order, with
    error bars where a row carries an interval; ``colours`` maps a row's ``series`` to its colour."""
    spec = base_spec(text, rows, height=height)
    colour: dict[str, Any] = {"value": INK}
    if colours:
        colour = {"field": "series", "type": "nominal", "title": None,
                  "scale": {"domain": list(colours), "range": list(colours.values())},
                  # the x axis names each level; a legend only when the colours group several levels
                  "legend": {"orient": "bottom", "direction": "horizontal"} if legend else None}
    x = {"field": "label", "type": "ordinal", "sort": None, "title": text.x_title, "axis": {"labelAngle": 0}}
    spec["encoding"] = {"x": x}
    spec["layer"] = [
        {"mark": {"type": "bar", "cornerRadiusEnd": 2},
         "encoding": {"y": {"field": "value", "type": "quantitative", "title": text.y_title,
                            "scale": {"domainMin": 0}},
                      "color": colour, "opacity": fade_opacity(),
                      "tooltip": tooltip(text, label_title=text.x_title)}},
        {"transform": [{"filter": "isValid(datum.low) && isValid(datum.high)"}],
         "mark": {"type": "rule", "color": "#222", "strokeWidth": 1.5},
         "encoding": {"y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}}},
    ]
    return spec
