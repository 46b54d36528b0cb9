"""The scores explorer on the demo-like delivery dip: every grouping and filter of the scores API as a
chart and a table equal to the API's numbers, the view held by the URL, bad values named, not sent."""

from __future__ import annotations

import json
import re

import pytest

from tests.console.dashboard_support import NOW, publish_delivery_survey, seed_dip
from tests.console.support import sign_in, text_of
from tests.support import auth

SPAN = {"from": "2024-12-04", "to": "2025-03-04", "tz": "Asia/Seoul"}


@pytest.fixture
def explorer(console):
    survey = console.services["survey"]
    metrics = console.services["metrics"]
    console.survey_id = publish_delivery_survey(survey.client(), survey.key_for("marketer"))
    seed_dip(metrics.client(), metrics.key_for("service"), console.survey_id, now=NOW)
    client = console.client()
    sign_in(client, "analyst@example.com", "a long enough password")
    console.browser = client
    return console


def _spec(html: str) -> dict:
    [block] = re.findall(r'<script type="application/json" data-chart-spec>(.*?)</script>', html, re.S)
    return json.loads(block)


def _api(stack, **params) -> dict:
    metrics = stack.services["metrics"]
    reply = metrics.client().get("/v1/scores", query_string=params, headers=auth(metrics.key_for("analyst")))
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def test_grouped_by_an_attribute_the_forest_and_table_hold_the_api_numbers(explorer):
    reply = explorer.browser.get("/scores?range=last_90&metric=csat&by=attr.region&confidence=0.9")
    html = text_of(reply)
    assert reply.status_code == 200, html[:1500]
    api = _api(explorer, metric="csat", group_by="attr.region", confidence="0.9", **SPAN)
    spec = _spec(html)
    by_region = {c["group"]["attr.region"]: round(c["value"], 6) for c in api["cells"]}
    assert {d["key"]: d["value"] for d in spec["data"]["values"]} == by_region
    assert {d["low"] for d in spec["data"]["values"]} == {round(c["ci_low"], 6) for c in api["cells"]}
    assert "90% interval" in html and set(by_region) == {"Seoul", "Busan", "Incheon"}
    for cell in api["cells"]:
        assert f"<td>{cell['n']}</td>" in html and f"{cell['value']:.1f}" in html


def test_a_trend_split_by_channel_draws_one_line_per_channel(explorer):
    html = text_of(explorer.browser.get("/scores?range=last_90&metric=csat&by=period&split=channel&period=month"))
    spec = _spec(html)
    assert any(layer["mark"]["type"] == "errorband" for layer in spec["layer"])
    assert {d["series"] for d in spec["data"]["values"]} == {"email", "in_app"}
    api = _api(explorer, metric="csat", group_by="period,channel", period="month", **SPAN)
    assert len(spec["data"]["values"]) == sum(len(s["points"]) for s in api["series"])


def test_the_url_holds_the_view_and_filters_narrow_it(explorer):
    html = text_of(explorer.browser.get(
        f"/scores?range=last_90&metric=csat&by=channel&survey={explorer.survey_id}&segment=region:Seoul&min_n=10"))
    assert 'value="channel" selected' in html and 'value="10"' in html and 'value="region:Seoul"' in html
    api = _api(explorer, metric="csat", group_by="channel", survey=str(explorer.survey_id), segment="region:Seoul",
               min_n="10", **SPAN)
    assert {d["n"] for d in _spec(html)["data"]["values"]} == {c["n"] for c in api["cells"]}
    everyone = text_of(explorer.browser.get("/scores?range=last_90&metric=csat&by=channel"))
    assert sum(d["n"] for d in _spec(html)["data"]["values"]) < sum(d["n"] for d in _spec(everyone)["data"]["values"])


def test_bad_values_are_named_and_nothing_matching_says_so(explorer):
    html = text_of(explorer.browser.get("/scores?metric=bogus&by=attr.no%20spaces&question=%3Cscript%3E&min_n=-1"))
    assert "Group by a listed grouping" in html and "was not valid" in html
    assert "<script>" not in html.split("</header>")[1].replace('<script type="application/json" data-chart-spec>', "")
    nothing = text_of(explorer.browser.get("/scores?range=last_90&metric=csat&segment=region:Atlantis"))
    assert "No answers match" in nothing and "Atlantis" in nothing


def test_the_menu_links_the_explorer(explorer):
    html = text_of(explorer.browser.get("/"))
    assert 'href="/scores"' in html and "Scores explorer" in html
