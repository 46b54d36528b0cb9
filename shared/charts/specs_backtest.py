"""An alert rule over past windows: the metric with its interval band, the baseline it was compared with
(dashed, with its own band), and each window's decision marked (fired windows in red, with a label)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.charts.rows import BAD, BAND, FADED, INK, ChartRow, ChartText, base_spec, fade_opacity, interval_text
from shared.charts.specs_trend import _x


@dataclass(frozen=True)
class DecidedWindow:
    """One decided window: the metric's estimate (``row``), the baseline's, and the rule's decision."""

    row: ChartRow
    baseline: ChartRow
    fired: bool
    decision: str  # the decision in the reader's words, for the tooltip ("fired", "quiet: too few answers")


@dataclass(frozen=True)
class BacktestText:
    """The words of the chart beyond a trend's: the baseline's name, the fired label, the decision's title."""

    baseline: str
    fired: str
    decision: str


def backtest_spec(windows: list[DecidedWindow], text: ChartText, words: BacktestText, *,
                  height: int = 260) -> dict[str, Any]:
    """The chart of a backtest (or of an alert's recent windows), one point per decided window."""
    rows = [window.row for window in windows]
    spec = base_spec(text, rows, height=height)
    spec["data"] = {"values": [{**window.row.as_datum(), "fired": window.fired, "decision": window.decision,
                                "b_value": window.baseline.value, "b_low": window.baseline.low,
                                "b_high": window.baseline.high,
                                "b_interval": interval_text(window.baseline.low, window.baseline.high)}
                               for window in windows]}
    # Every layer's y carries the same title: Vega-Lite would otherwise join the layers' field names ("CSAT, low").
    y = {"type": "quantitative", "scale": {"zero": False, "nice": True}, "title": text.y_title}
    tips = [{"field": "label", "type": "nominal", "title": text.x_title},
            {"field": "value", "type": "quantitative", "title": text.value, "format": ".1f"},
            {"field": "interval", "type": "nominal", "title": text.interval},
            {"field": "n", "type": "quantitative", "title": text.n, "format": ","},
            {"field": "b_value", "type": "quantitative", "title": words.baseline, "format": ".1f"},
            {"field": "b_interval", "type": "nominal", "title": f"{words.baseline} · {text.interval}"},
            {"field": "decision", "type": "nominal", "title": words.decision}]
    spec["encoding"] = {"x": _x(text)}
    spec["layer"] = [
        {"mark": {"type": "errorband", "color": FADED, "opacity": 0.25, "borders": False},
         "encoding": {"y": {"field": "b_low", **y}, "y2": {"field": "b_high"}}},
        {"mark": {"type": "line", "color": FADED, "strokeDash": [6, 4], "strokeWidth": 2},
         "encoding": {"y": {"field": "b_value", **y}}},
        {"mark": {"type": "errorband", "color": BAND, "opacity": 0.45, "borders": False},
         "encoding": {"y": {"field": "low", **y}, "y2": {"field": "high"}}},
        {"mark": {"type": "line", "color": INK, "strokeWidth": 2},
         "encoding": {"y": {"field": "value", **y}}},
        {"mark": {"type": "point", "filled": True},
         "encoding": {"y": {"field": "value", **y}, "opacity": fade_opacity(), "tooltip": tips,
                      "color": {"condition": {"test": "datum.fired", "value": BAD}, "value": INK},
                      "shape": {"condition": {"test": "datum.fired", "value": "triangle-down"}, "value": "circle"},
                      "size": {"condition": {"test": "datum.fired", "value": 150}, "value": 50}}},
        {"transform": [{"filter": "datum.fired"}],
         "mark": {"type": "text", "dy": 16, "fontSize": 11, "fontWeight": "bold", "color": BAD},
         "encoding": {"y": {"field": "value", **y}, "text": {"value": words.fired}}},
    ]
    return spec
