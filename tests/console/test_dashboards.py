"""The dashboards on the demo-like delivery dip: home cards, the survey summary and the numbers under
every chart, equal to what the metrics API says for the same filters."""

from __future__ import annotations

import json
import re

import pytest

from services.console.dashboards.filters import read_filters
from tests.console.dashboard_support import NOW, publish_delivery_survey, seed_dip
from tests.console.support import sign_in, text_of
from tests.support import auth


@pytest.fixture
def dashboards(console):
    survey = console.services["survey"]
    metrics = console.services["metrics"]
    survey_id = publish_delivery_survey(survey.client(), survey.key_for("marketer"))
    seed_dip(metrics.client(), metrics.key_for("service"), survey_id, now=NOW)
    console.survey_id = survey_id
    return console


def _specs(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/json" data-chart-spec>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _api(stack, path, **params):
    metrics = stack.services["metrics"]
    reply = metrics.client().get(path, query_string=params, headers=auth(metrics.key_for("analyst")))
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def test_home_shows_the_delivery_dip_with_its_interval_and_the_significance_mark(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    reply = client.get("/")
    html = text_of(reply)
    assert reply.status_code == 200
    assert "Significant drop" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    api = _api(dashboards, "/v1/scores", metric="csat", survey=str(dashboards.survey_id),
               **{"from": "2025-02-02", "to": "2025-03-04"}, tz="Asia/Seoul")
    [cell] = api["cells"]
    assert f"{cell['value']:.1f}" in html and f"{cell['ci_low']:.1f}" in html
    assert 40 < cell["value"] < 60
    [spark] = _specs(html)
    assert any(layer["mark"]["type"] == "errorband" for layer in spark["layer"])
    assert all({"low", "high", "n"} <= set(point) for point in spark["data"]["values"])
    assert "/assets/vega-" in html and "charts.js" in html
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]


def test_the_summary_numbers_equal_the_api_for_the_same_filters(dashboards):
    client = dashboards.client()
    sign_in(client, "analyst@example.com", "a long enough password")
    path = f"/surveys/{dashboards.survey_id}?range=last_90&period=month&by=channel"
    reply = client.get(path)
    html = text_of(reply)
    assert reply.status_code == 200, html[:2000]
    api = _api(dashboards, "/v1/scores", metric="csat", survey=str(dashboards.survey_id),
               **{"from": "2024-12-04", "to": "2025-03-04"}, tz="Asia/Seoul")
    [cell] = api["cells"]
    assert f"{cell['value']:.1f}" in html and f"{cell['n']}" in html
    specs = _specs(html)
    kinds = {layer["mark"]["type"] for spec in specs for layer in spec["layer"]}
    assert {"errorband", "rule", "bar", "point"} <= kinds  # trend band, forest / comparison, distribution
    breakdown = _api(dashboards, "/v1/scores", metric="csat", survey=str(dashboards.survey_id), group_by="channel",
                     **{"from": "2024-12-04", "to": "2025-03-04"}, tz="Asia/Seoul")
    forest = next(s for s in specs if s["data"]["values"] and s["data"]["values"][0]["key"] in ("email", "in_app"))
    by_channel = {c["group"]["channel"]: round(c["value"], 6) for c in breakdown["cells"]}
    assert {d["key"]: d["value"] for d in forest["data"]["values"]} == by_channel
    values = [d["value"] for d in forest["data"]["values"]]
    assert values == sorted(values, reverse=True)
    assert "Median time to complete" in html and "Response rate" in html
    levels = next(s for s in specs if [d["key"] for d in s["data"]["values"]] == ["1", "2", "3", "4", "5"])
    assert [d["n"] for d in levels["data"]["values"]] == cell["answer_counts"]  # one bar per answer value
    assert {d["series"] for d in levels["data"]["values"]} == {"Not satisfied (1–3)", "Satisfied (4–5)"}


def test_switching_the_period_changes_the_trend_and_the_links_keep_the_state(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    base = f"/surveys/{dashboards.survey_id}?range=last_90&segment=region:Seoul"
    by_week, by_month = (text_of(client.get(base + f"&period={p}")) for p in ("week", "month"))
    points = [len(next(s for s in _specs(h) if any(layer["mark"]["type"] == "errorband" for layer in s["layer"]))
                  ["data"]["values"]) for h in (by_week, by_month)]
    assert points[0] > points[1] >= 3
    assert "segment=region%3ASeoul" in by_week and "period=day" in by_week


def test_a_segment_that_matches_nothing_says_so(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    html = text_of(client.get(f"/surveys/{dashboards.survey_id}?segment=region:Atlantis"))
    assert "No answers match" in html and "Atlantis" in html


def test_unknown_surveys_and_bad_filters(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    assert client.get("/surveys/987654").status_code == 404
    html = text_of(client.get("/?range=forever&segment=nocolon"))
    assert "That period is not one of the choices" in html and "A segment looks like" in html


def test_the_chart_bundle_is_served_offline_and_cached(dashboards):
    reply = dashboards.client().get("/assets/vega-1.js")
    assert reply.status_code == 200 and reply.mimetype == "text/javascript"
    assert b"window.vegaEmbed" in reply.data and "immutable" in reply.headers["Cache-Control"]
    again = dashboards.client().get("/assets/vega-1.js", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304


def test_filters_read_presets_in_the_persons_days():
    from datetime import date
    filters = read_filters({"range": "last_month"})
    assert filters.days(date(2025, 3, 3)) == (date(2025, 2, 1), date(2025, 3, 1))
    custom = read_filters({"range": "custom", "from": "2025-01-01", "to": "2025-01-31"})
    assert custom.days(date(2025, 3, 3)) == (date(2025, 1, 1), date(2025, 2, 1))
    assert read_filters({"range": "custom", "from": "2025-02-01", "to": "2025-01-01"}).problems == ("custom",)


def test_a_comparison_without_a_previous_period_says_so_instead_of_failing(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    html = text_of(client.get(f"/surveys/{dashboards.survey_id}?range=last_90"))
    assert "No answers in the previous period to compare with." in html
    assert "not answering" not in html  # the compare reply's null parts load (they once broke the contract)
    assert "(95% interval  – )" not in html


def test_the_summary_shows_drop_off_per_question_and_the_rising_keywords_with_examples(dashboards):
    client = dashboards.client()
    sign_in(client, "marketer@example.com", "a long enough password")
    html = text_of(client.get(f"/surveys/{dashboards.survey_id}"))
    survey = dashboards.services["survey"]
    dropoff = survey.client().get(f"/v1/surveys/{dashboards.survey_id}/dropoff", headers=auth(survey.key_for("analyst")),
                                  query_string={"from": "2025-02-01T15:00:00Z", "to": "2025-03-03T15:00:00Z"})
    assert dropoff.status_code == 200, dropoff.get_json()
    assert dropoff.get_json()["opened"] == 0  # the dip's answers came through metrics, none opened here
    assert "No response was opened in this period, so there is no drop-off to show." in html
    # (the table with its numbers: tests/browser/test_console_dashboards_browser.py, on opened responses)
    keywords = _api(dashboards, "/v1/voc/keywords", survey=str(dashboards.survey_id), split="none", min_count="3",
                    **{"from": "2025-02-02", "to": "2025-03-04"}, tz="Asia/Seoul")
    [group] = keywords["groups"]
    rising = {item["keyword"] for item in group["rising"]}
    assert "지연" in rising  # the late carrier's month: "delay" rose from nothing
    section = html.split('id="keywords-heading"')[1]
    word = section.index('<span class="keyword__word">지연</span>')
    assert "Rising" in section[word:word + 300]
    assert any(example in section[word:] for example in ("배송 지연이 심해요", "택배 지연 때문에 화가 났어요"))
    assert f"{group['n_comments']} comments in this period" in section


def test_the_comparison_can_take_the_same_dates_a_year_earlier(dashboards):
    from datetime import timedelta

    from services.console.dashboards.filters import utc_bounds
    from shared.contracts.responses import ResponseBatchSchema
    from tests.console.dashboard_support import dip_responses

    metrics = dashboards.services["metrics"]
    year_before = [{**record, "response_id": "y" + record["response_id"]}  # ids of their own
                   for record in dip_responses(dashboards.survey_id, now=NOW - timedelta(days=365), seed=7)]
    reply = metrics.client().post("/v1/responses/batch", json=ResponseBatchSchema().dump({"responses": year_before}),
                                  headers=auth(metrics.key_for("service")))
    assert reply.status_code == 200, reply.get_json()
    client = dashboards.client()
    sign_in(client, "analyst@example.com", "a long enough password")
    path = f"/surveys/{dashboards.survey_id}?range=last_30&against=year_ago"
    html = text_of(client.get(path))
    first, after = utc_bounds(read_filters({"range": "last_30"}), now=NOW, tz_name="Asia/Seoul")[2:]
    api = _api(dashboards, "/v1/scores/compare", metric="csat", survey=str(dashboards.survey_id),
               window=f"{(after - first).days}d", to=after.isoformat(), tz="Asia/Seoul", baseline="year_ago")
    [cell] = api["cells"]
    assert cell["baseline"]["n"] > 0 and api["baseline"] == "year_ago"
    comparison = next(s for s in _specs(html)
                      if [d["key"] for d in s["data"]["values"]] == ["baseline", "current"])
    shown = {d["key"]: d["value"] for d in comparison["data"]["values"]}
    assert shown == pytest.approx({"baseline": cell["baseline"]["value"], "current": cell["current"]["value"]})
    assert "against the same dates a year earlier" in html and "A year earlier" in html
    assert str(first.year - 1) in html  # the baseline's dates, a year back
    previous = text_of(client.get(f"/surveys/{dashboards.survey_id}?range=last_30"))
    assert "against the previous one" in previous and "against=year_ago" in previous  # the switch offers it
