"""Estimates side by side: the forest plot of a breakdown and the two windows of a comparison."""

from __future__ import annotations

from typing import Any

from shared.charts.rows import BAD, FADED, INK, ChartRow, ChartText, base_spec, fade_opacity, tooltip

ROW_HEIGHT = 28


def forest_spec(rows: list[ChartRow], text: ChartText, *, reference: float | None = None,
                sort: bool = True) -> dict[str, Any]:
    """Each group's estimate as a point with its interval as a line, one group per row, sorted by value
    (highest first) unless ``sort`` is False; faded and labelled below the minimum sample; an optional
    dashed ``reference`` line (the overall score)."""
    ordered = sorted(rows, key=lambda row: (row.value is None, -(row.value or 0.0))) if sort else list(rows)
    spec = base_spec(text, ordered, height=max(ROW_HEIGHT * len(ordered), 60))
    y = {"field": "label", "type": "nominal", "sort": None, "title": text.y_title,
         "axis": {"labelLimit": 120}}
    x_scale = {"zero": False, "nice": True}
    spec["encoding"] = {"y": y}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "rule", "strokeWidth": 2, "color": INK},
         "encoding": {"x": {"field": "low", "type": "quantitative", "title": text.x_title, "scale": x_scale,
                            "axis": {"tickCount": 6}},  # a label every unit crowds a wide chart
                      "x2": {"field": "high"}, "opacity": fade_opacity()}},
        {"mark": {"type": "point", "filled": True, "size": 70, "color": INK},
         "encoding": {"x": {"field": "value", "type": "quantitative"}, "opacity": fade_opacity(),
                      "tooltip": tooltip(text, label_title=text.y_title)}},
        {"transform": [{"filter": "datum.faded"}],
         "mark": {"type": "text", "align": "left", "dx": 8, "dy": -9, "fontSize": 10, "color": FADED},
         "encoding": {"x": {"field": "value", "type": "quantitative"}, "text": {"value": text.too_few}}},
    ]
    if reference is not None:
        layers.insert(0, {"data": {"values": [{"reference": reference}]},
                          "mark": {"type": "rule", "strokeDash": [4, 4], "color": BAD, "opacity": 0.7},
                          "encoding": {"x": {"field": "reference", "type": "quantitative"}, "y": None}})
    spec["layer"] = layers
    return spec


def comparison_spec(baseline: ChartRow, current: ChartRow, text: ChartText) -> dict[str, Any]:
    """The baseline window above the current one, each with its interval (a two-row forest plot)."""
    return forest_spec([baseline, current], text, sort=False)
