"""The dashboards in headless Chromium at 360 and 1280 px, in Korean and English, on the demo-like
delivery-CSAT dip: the charts really draw (SVG marks inside each chart) under the strict CSP with no
complaint in the console, the home card shows the dip with its band and the significance mark, the
summary's table holds the API's numbers, and switching the period or a segment changes the chart and
the URL. axe-core on every page (0 serious or critical); screenshots under test-artifacts/console/."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.console_stack import check_page, people, signed_in
from tests.browser.dashboard_stack import WORDS, LiveDashboards, drawn_marks

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("dash-ko@example.com", "이마케터"), "en": ("dash-en@example.com", "Dana Dashboards")}


@pytest.fixture(scope="module")
def live_dashboards(tmp_path_factory):
    live = LiveDashboards(tmp_path_factory.mktemp("console-dashboards"), people(PEOPLE, "marketer"))
    yield live
    live.close()


def _trend_table(page) -> list[tuple[str, str]]:
    """(value, n) of each row of the trend chart's table."""
    figure = page.locator("figure.chart[data-chart-kind=trend]").first
    rows = figure.locator("details table tbody tr")
    return [(rows.nth(i).locator("td").nth(1).text_content().strip(), rows.nth(i).locator("td").nth(3).text_content().strip())
            for i in range(rows.count())]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_home_and_summary_draw_the_dip(live_dashboards, browser, artifacts, language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_dashboards.base_url, PEOPLE[language][0], language, width)

    card = page.locator(".score-grid .card").first
    expect(card.get_by_text(words["drop"])).to_be_visible()
    spark = card.locator("figure.chart")
    assert drawn_marks(spark) >= 2
    expect(spark).to_have_class(re.compile("chart--drawn"))
    assert spark.locator("svg g.mark-area path").count() >= 1  # the interval band
    check_page(page, artifacts, f"{prefix}-dashboard-home")

    card.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/surveys/{live_dashboards.survey_id}"))
    figures = page.locator("figure.chart")
    expect(figures.first).to_have_class(re.compile("chart--drawn"))
    for i in range(figures.count()):
        expect(figures.nth(i)).to_have_class(re.compile("chart--drawn"))
        assert drawn_marks(figures.nth(i)) >= 1, f"chart {i} drew nothing"
    expect(page.locator(".score-card, .card").get_by_text(words["drop"]).first).to_be_visible()
    dropoff = page.get_by_role("region", name=words["dropoff"]).get_by_role("row")
    expect(dropoff).to_have_count(3)  # heading + 2 questions
    assert [c.strip() for c in dropoff.nth(1).locator("td").all_text_contents()[1:4]] == ["9", "7", "2"]
    assert [c.strip() for c in dropoff.nth(2).locator("td").all_text_contents()[1:4]] == ["7", "4", "3"]
    rising = page.locator(".keyword").filter(has=page.locator(".keyword__word", has_text=re.compile("^지연$")))
    expect(rising.get_by_text(words["rising"])).to_be_visible()
    rising.get_by_text(words["examples"]).click()
    expect(rising.locator("details li").first).to_contain_text("지연")
    if width == "desktop":  # the tooltip of a point: value, interval and n, drawn under the CSP
        point = page.locator("figure.chart[data-chart-kind=trend] svg g.mark-symbol path").first
        point.hover(force=True)
        expect(page.locator("#vg-tooltip-element")).to_contain_text(words["interval"])
    check_page(page, artifacts, f"{prefix}-dashboard-summary")

    page.get_by_label(words["period"], exact=True).select_option("last_90")
    page.get_by_role("button", name=words["apply"]).click()
    expect(page).to_have_url(re.compile(r"range=last_90"))
    by_week = _trend_table(page)
    page.get_by_role("link", name=words["by_month"]).click()
    expect(page).to_have_url(re.compile(r"period=month"))
    expect(page.locator("figure.chart").first).to_have_class(re.compile("chart--drawn"))
    by_month = _trend_table(page)
    assert len(by_week) > len(by_month) >= 3
    zone = ZoneInfo("Asia/Seoul")
    after = live_dashboards.now.astimezone(zone).date() + timedelta(days=1)
    api = live_dashboards.api("/v1/scores", metric="csat", survey=str(live_dashboards.survey_id),
                              group_by="period", period="month", tz="Asia/Seoul",
                              **{"from": (after - timedelta(days=90)).isoformat(), "to": after.isoformat()})
    [series] = api["series"]
    assert [n for _v, n in by_month] == [f"{p['n']:,}" for p in series["points"]]
    assert [v for v, _n in by_month] == [f"{p['value']:.1f}" for p in series["points"]]
    check_page(page, artifacts, f"{prefix}-dashboard-summary-month")

    before = page.locator("figure.chart [data-chart-spec]").first.text_content()
    page.get_by_label(words["segment"], exact=True).fill("region:Seoul")
    page.get_by_role("button", name=words["apply"]).click()
    expect(page).to_have_url(re.compile(r"segment=region%3ASeoul"))
    expect(page).to_have_url(re.compile(r"period=month"))
    expect(page.locator("figure.chart").first).to_have_class(re.compile("chart--drawn"))
    assert page.locator("figure.chart [data-chart-spec]").first.text_content() != before
    seoul = _trend_table(page)
    assert seoul != by_month and sum(int(n.replace(",", "")) for _v, n in seoul) < sum(
        int(n.replace(",", "")) for _v, n in by_month)
    check_page(page, artifacts, f"{prefix}-dashboard-summary-segment")
    assert complaints == []
    context.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_scores_explorer_draws_any_grouping_and_the_url_reopens_it(live_dashboards, browser, artifacts,
                                                                        language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_dashboards.base_url, PEOPLE[language][0], language, width)
    page.get_by_role("navigation").get_by_role("link", name=words["scores"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["scores"])

    page.get_by_label(words["period"], exact=True).select_option("last_90")
    page.get_by_label(words["metric"], exact=True).select_option("csat")
    page.get_by_label(words["group"], exact=True).select_option("channel")
    page.get_by_role("button", name=words["apply"]).click()
    expect(page).to_have_url(re.compile(r"by=channel"))
    figure = page.locator("figure.chart[data-chart-kind=forest]")
    expect(figure).to_have_class(re.compile("chart--drawn"))
    assert figure.locator("svg g.mark-rule line").count() >= 2  # one interval per channel
    rows = figure.locator("details table tbody tr")
    expect(rows).to_have_count(2)
    check_page(page, artifacts, f"{prefix}-scores-explorer")

    page.get_by_label(words["group"], exact=True).select_option("period")
    page.get_by_label(words["segment"], exact=True).fill("region:Busan")
    page.get_by_role("button", name=words["apply"]).click()
    expect(page).to_have_url(re.compile(r"by=period.*segment=region%3ABusan|segment=region%3ABusan.*by=period"))
    trend = page.locator("figure.chart[data-chart-kind=trend]")
    expect(trend).to_have_class(re.compile("chart--drawn"))
    assert trend.locator("svg g.mark-area path").count() >= 1
    spec = trend.locator("[data-chart-spec]").text_content()
    check_page(page, artifacts, f"{prefix}-scores-explorer-trend")

    shared = context.new_page()  # a bookmarked or shared address opens the same view
    shared.goto(page.url)
    expect(shared.locator("figure.chart[data-chart-kind=trend]")).to_have_class(re.compile("chart--drawn"))
    assert shared.locator("figure.chart [data-chart-spec]").text_content() == spec
    expect(shared.get_by_label(words["segment"], exact=True)).to_have_value("region:Busan")
    assert complaints == []
    context.close()
