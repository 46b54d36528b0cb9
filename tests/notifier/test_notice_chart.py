"""The alert chart as data (the shared trend spec plus the baseline and the alerted window) and as PNG."""

from __future__ import annotations

from services.notifier.channels.chart import notice_chart, notice_spec
from shared.charts.png import render_svg

WEEKS = ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
NOTICE = {"kind": "firing", "metric": "csat", "rule": {"kind": "drop", "min_n": 30},
          "window": {"from": "2026-11-23T00:00:00+00:00", "to": "2026-11-30T00:00:00+00:00"},
          "baseline": {"value": 74.5},
          "trend": [{"period": week, "value": value, "ci_low": value - 5, "ci_high": value + 5, "n": n,
                     "partial": week == WEEKS[-1]}
                    for week, value, n in zip(WEEKS, [87, 53, 56, 50, 52, 100], [117, 99, 110, 104, 110, 6],
                                              strict=True)]}


def layers_with(spec, mark):
    return [layer for layer in spec["layer"] if (layer.get("mark") or {}).get("type") == mark]


def test_partial_weeks_are_left_out_and_only_the_alerted_week_is_marked_in_seoul():
    spec = notice_spec(NOTICE, lang="ko", tz="Asia/Seoul")
    assert [row["key"] for row in spec["data"]["values"]] == WEEKS[:-1]  # the running week left out
    assert spec["encoding"]["x"]["scale"]["domain"] == ["10월 26일", "11월 2일", "11월 9일", "11월 16일", "11월 23일"]
    marked = [layer for layer in layers_with(spec, "rule") if layer.get("transform")]
    assert marked[0]["transform"] == [{"filter": {"field": "key", "oneOf": ["2026-11-23"]}}]
    [baseline] = [layer for layer in layers_with(spec, "rule") if "data" in layer]
    assert baseline["data"]["values"][0]["baseline"] == 74.5
    assert {"low", "high", "n"} <= set(spec["data"]["values"][0])  # the interval and n drawn


def test_the_png_draws_korean_dates_and_words():
    svg = render_svg(notice_spec(NOTICE, lang="ko", tz="Asia/Seoul"))
    assert "11월 23일" in svg and "기준 74.5" in svg and "알림" in svg and "주 시작일" in svg
    assert notice_chart(NOTICE, lang="en", tz="Asia/Seoul").startswith(b"\x89PNG")
    assert notice_chart({**NOTICE, "trend": NOTICE["trend"][:1]}, lang="en", tz="UTC") is None
