"""The backtest chart as data: the metric's interval, the baseline's interval and each decision are in the
spec, and vl-convert draws it (a valid Vega-Lite spec)."""

from __future__ import annotations

from shared.charts import ChartRow, ChartText
from shared.charts.png import render_png
from shared.charts.specs_backtest import BacktestText, DecidedWindow, backtest_spec

TEXT = ChartText(x_title="Window starting", y_title="CSAT", value="CSAT", interval="95% interval", n="answers",
                 too_few="too few answers", description="CSAT per window")
WORDS = BacktestText(baseline="Baseline", fired="fired", decision="Decision")


def _window(label: str, value: float, baseline: float, fired: bool) -> DecidedWindow:
    return DecidedWindow(row=ChartRow(label, label, value, value - 8, value + 8, 60, False, "x"),
                         baseline=ChartRow(label, label, baseline, baseline - 3, baseline + 3, 240, False),
                         fired=fired, decision="fired" if fired else "quiet")


def test_the_spec_holds_both_intervals_and_the_decisions_and_renders():
    windows = [_window("Oct 5", 84.0, 85.0, False), _window("Oct 12", 56.0, 83.0, True),
               _window("Oct 19", 83.0, 80.0, False)]
    spec = backtest_spec(windows, TEXT, WORDS)
    values = spec["data"]["values"]
    assert [v["fired"] for v in values] == [False, True, False]
    assert values[1]["low"] == 48.0 and values[1]["high"] == 64.0 and values[1]["b_low"] == 80.0
    assert values[1]["b_interval"] == "80.0 – 86.0"
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.count("errorband") == 2 and marks.count("line") == 2 and "text" in marks
    assert {layer["encoding"]["y"]["title"] for layer in spec["layer"]} == {"CSAT"}
    assert render_png(spec).startswith(b"\x89PNG")
