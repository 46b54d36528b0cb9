"""Chart specs as data: every estimate carries its interval and n, small cells are faded and labelled,
and the same spec renders to PNG with Korean labels."""

from __future__ import annotations

import json

import pytest

from shared.charts import (
    ChartText,
    comparison_spec,
    distribution_spec,
    forest_spec,
    rows_of_estimates,
    sparkline_spec,
    trend_spec,
)
from shared.charts.png import font_dirs, render_png, render_svg

TEXT = ChartText(x_title="기간", y_title="CSAT (%)", value="CSAT", interval="95% 구간", n="응답 수",
                 too_few="응답 부족", description="배송 CSAT 추이")


def _rows():
    return rows_of_estimates([
        ("2025-01-06", "1월 6일", {"value": 87.0, "ci_low": 82.1, "ci_high": 90.6, "n": 240, "insufficient": False}),
        ("2025-01-13", "1월 13일", {"value": 48.4, "ci_low": 41.0, "ci_high": 55.9, "n": 12, "insufficient": True}),
        ("2025-01-20", "1월 20일", {"value": float("nan"), "ci_low": None, "ci_high": None, "n": 0,
                                   "insufficient": True}),
    ])


def _layers_with(spec, mark):
    return [layer for layer in spec["layer"] if (layer["mark"]["type"] if isinstance(layer["mark"], dict)
                                                  else layer["mark"]) == mark]


def _tooltip_fields(spec):
    return {item["field"] for layer in spec["layer"] for item in layer.get("encoding", {}).get("tooltip", [])}


def test_rows_keep_interval_and_n_and_drop_non_numbers():
    rows = _rows()
    assert (rows[0].low, rows[0].high, rows[0].n, rows[0].faded) == (82.1, 90.6, 240, False)
    assert rows[0].interval == "82.1 – 90.6"
    assert rows[1].faded and rows[2].value is None and rows[2].interval == ""


def test_trend_draws_the_interval_band_n_in_tooltip_and_labels_faded_points():
    spec = trend_spec(_rows(), TEXT)
    [band] = _layers_with(spec, "errorband")
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("low", "high")
    assert {"value", "interval", "n"} <= _tooltip_fields(spec)
    [label] = _layers_with(spec, "text")
    assert label["transform"] == [{"filter": "datum.faded"}] and label["encoding"]["text"]["value"] == "응답 부족"
    [points] = _layers_with(spec, "point")
    assert points["encoding"]["opacity"]["condition"]["test"] == "datum.faded"
    assert spec["encoding"]["x"]["title"] == "기간" and band["encoding"]["y"]["title"] == "CSAT (%)"
    assert [d["label"] for d in spec["data"]["values"]] == ["1월 6일", "1월 13일", "1월 20일"]
    assert spec["width"] == "container"  # follows its box down to 360 px
    json.dumps(spec, allow_nan=False)  # no NaN reaches the page


def test_several_series_are_coloured_lines():
    rows = [*rows_of_estimates([("a", "1", {"value": 1, "ci_low": 0, "ci_high": 2, "n": 40})], series="email"),
            *rows_of_estimates([("a", "1", {"value": 2, "ci_low": 1, "ci_high": 3, "n": 40})], series="sms")]
    spec = trend_spec(rows, TEXT)
    assert spec["layer"][1]["encoding"]["color"]["field"] == "series"


def test_sparkline_keeps_band_and_tooltip_without_axes():
    spec = sparkline_spec(_rows(), TEXT)
    assert _layers_with(spec, "errorband") and {"n", "interval"} <= _tooltip_fields(spec)
    assert spec["layer"][1]["encoding"]["y"]["axis"] is None


def test_forest_plot_is_sorted_with_interval_rules_and_a_reference():
    rows = rows_of_estimates([("a", "A", {"value": 10, "ci_low": 5, "ci_high": 15, "n": 50}),
                              ("b", "B", {"value": 30, "ci_low": 20, "ci_high": 40, "n": 50}),
                              ("c", "C", {"value": 20, "ci_low": 2, "ci_high": 38, "n": 8, "insufficient": True})])
    spec = forest_spec(rows, TEXT, reference=18.0)
    assert [d["label"] for d in spec["data"]["values"]] == ["B", "C", "A"]
    rules = _layers_with(spec, "rule")
    assert any(r["encoding"]["x"].get("field") == "low" and r["encoding"]["x2"]["field"] == "high" for r in rules)
    assert any(r.get("data", {}).get("values") == [{"reference": 18.0}] for r in rules)
    assert _layers_with(spec, "text")[0]["encoding"]["text"]["value"] == "응답 부족"


def test_comparison_keeps_baseline_then_current():
    baseline, current = _rows()[:2]
    spec = comparison_spec(baseline, current, TEXT)
    assert [d["key"] for d in spec["data"]["values"]] == ["2025-01-06", "2025-01-13"]


def test_distribution_bars_with_colours_and_error_bars_where_given():
    rows = rows_of_estimates([("promoters", "추천", {"value": 50, "n": 50}),
                              ("share", "5-7", {"value": 40, "ci_low": 30, "ci_high": 50, "n": 40})])
    spec = distribution_spec(rows, TEXT, colours={"": "#123456"})
    assert spec["layer"][1]["transform"] == [{"filter": "isValid(datum.low) && isValid(datum.high)"}]
    assert "n" in _tooltip_fields(spec)


def test_font_dirs_read_the_setting(tmp_path):
    assert font_dirs({"CX_CHART_FONT_DIRS": str(tmp_path)}) == [str(tmp_path)]
    assert font_dirs({"CX_CHART_FONT_DIRS": str(tmp_path / "missing")}) == []


def test_the_same_spec_renders_to_png_and_svg_with_korean_labels():
    spec = trend_spec(_rows(), TEXT)
    png = render_png(spec, width=360)
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    svg = render_svg(spec, width=360)
    assert "기간" in svg and "응답 부족" in svg


@pytest.mark.skipif(not font_dirs(), reason="no Hangul font directory on this machine (apt-get install fonts-nanum)")
def test_a_hangul_font_is_registered():
    from shared.charts.png import register_fonts
    assert register_fonts()
