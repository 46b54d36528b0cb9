"""Responses in, scores with intervals out, through the metrics HTTP API on both databases."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from services.metrics.stats.csat import csat
from services.metrics.stats.nps import nps, nps_difference
from tests.metrics.scores_support import NOW, T0, nps_batch, response, spread
from tests.support import ADMIN_KEY, auth


def post(metrics, batch, key=None):
    return metrics.http.post("/v1/responses/batch", json={"responses": batch},
                             headers=auth(key or metrics.service_key))


def scores(metrics, **params):
    params.setdefault("from", (T0 - timedelta(days=30)).isoformat())
    params.setdefault("to", NOW.isoformat())
    return metrics.http.get("/v1/scores", query_string=params, headers=auth(ADMIN_KEY))


def test_batch_is_idempotent_and_newer_versions_replace(metrics):
    first = response(nps=2, response_id="r-fixed")
    reply = post(metrics, [first])
    assert reply.status_code == 200 and reply.json["results"] == [{"response_id": "r-fixed", "status": "stored"}]
    assert post(metrics, [first]).json["results"][0]["status"] == "unchanged"
    newer = response(nps=10, response_id="r-fixed", version=2)
    assert post(metrics, [newer]).json["results"][0]["status"] == "updated"
    assert post(metrics, [first]).json["results"][0]["status"] == "unchanged"  # late older copy
    cell = scores(metrics, metric="nps", min_n=1).json["cells"][0]
    assert cell["n"] == 1 and cell["value"] == 100.0


def test_only_service_and_admin_may_post_responses(metrics):
    batch = [response(nps=5)]
    assert post(metrics, batch, key=metrics.key_for("marketer")).status_code == 403
    assert post(metrics, batch, key=ADMIN_KEY).status_code == 200


@pytest.mark.parametrize("bad", [
    {"nps": 11}, {"unknown_field": 1}, {"version": 0}, {"created_at": "yesterday"},
])
def test_invalid_responses_get_422(metrics, bad):
    item = response(nps=5)
    if "nps" in bad:
        item["answers"][0]["value"] = bad["nps"]
    else:
        item.update(bad)
    reply = post(metrics, [item])
    assert reply.status_code == 422
    assert reply.json["code"] == 422 and reply.json["errors"]


def test_nps_by_touchpoint_matches_the_estimator(metrics):
    post(metrics, nps_batch(5, 3, 2, touchpoint="delivery") + nps_batch(1, 1, 8, touchpoint="support"))
    reply = scores(metrics, metric="nps", group_by="touchpoint", min_n=5)
    assert reply.status_code == 200
    cells = {c["group"]["touchpoint"]: c for c in reply.json["cells"]}
    assert cells["delivery"]["value"] == pytest.approx(30.0)
    assert cells["support"]["value"] == pytest.approx(-70.0)
    expected = nps(5, 3, 2, min_n=5)
    assert cells["delivery"]["ci_low"] == pytest.approx(expected.ci_low)
    assert cells["delivery"]["ci_high"] == pytest.approx(expected.ci_high)
    assert cells["delivery"]["parts"]["promoters"] == 5 and cells["delivery"]["parts"]["detractors"] == 2
    assert cells["delivery"]["method"] == "adjusted_wald" and cells["delivery"]["insufficient"] is False


def test_small_cells_are_flagged_not_hidden(metrics):
    post(metrics, nps_batch(2, 1, 1))
    cell = scores(metrics, metric="nps").json["cells"][0]
    assert cell["n"] == 4 and cell["insufficient"] is True and cell["value"] == 25.0


def test_weeks_are_cut_in_the_requested_time_zone(metrics):
    sunday_evening_utc = datetime(2026, 1, 4, 20, 0, tzinfo=UTC)  # Monday 05:00 in Seoul
    post(metrics, [response(csat=5, at=sunday_evening_utc), response(csat=1, at=sunday_evening_utc)])
    utc = scores(metrics, metric="csat", group_by="period", min_n=1).json
    seoul = scores(metrics, metric="csat", group_by="period", tz="Asia/Seoul", min_n=1).json
    assert [c["group"]["period"] for c in utc["cells"]] == ["2025-12-29"]
    assert [c["group"]["period"] for c in seoul["cells"]] == ["2026-01-05"]
    assert seoul["series"][0]["points"][0]["period"] == "2026-01-05"
    kolkata = scores(metrics, metric="csat", group_by="period", period="day", tz="Asia/Kolkata",
                     min_n=1).json  # +05:30: 01:30 on Monday
    assert [c["group"]["period"] for c in kolkata["cells"]] == ["2026-01-05"]


def test_segments_group_and_filter_by_customer_attributes(metrics):
    post(metrics, [response(csat=5, attributes={"region": "Seoul"}),
                   response(csat=2, attributes={"region": "Busan"}),
                   response(csat=4, attributes={"region": "Seoul"})])
    grouped = scores(metrics, metric="csat", group_by="attr.region", min_n=1).json["cells"]
    by_region = {c["group"]["attr.region"]: c for c in grouped}
    assert by_region["Seoul"]["value"] == 100.0 and by_region["Busan"]["value"] == 0.0
    assert by_region["Seoul"]["ci_low"] == pytest.approx(csat(2, 2).ci_low)
    filtered = scores(metrics, metric="csat", segment="region:Busan", min_n=1).json["cells"]
    assert len(filtered) == 1 and filtered[0]["n"] == 1


def test_scores_count_questions_of_their_type_across_survey_versions(metrics):
    post(metrics, [response(nps=10, survey_version=1), response(nps=0, survey_version=2)])
    cell = scores(metrics, metric="nps", group_by="survey", min_n=1).json["cells"][0]
    assert cell["n"] == 2 and cell["value"] == 0.0


def test_ces_has_mean_share_and_optional_bca(metrics):
    post(metrics, [response(ces=v) for v in [1, 2, 2, 3, 7, 6, 5, 2, 1, 1] * 4])
    t_cell = scores(metrics, metric="ces").json["cells"][0]
    assert t_cell["value"] == pytest.approx(3.0) and t_cell["method"] == "dirichlet_beta"
    assert t_cell["parts"]["share_5_7"] == pytest.approx(30.0)
    bca = scores(metrics, metric="ces", method="bca").json["cells"][0]
    assert bca["method"] == "bca_bootstrap" and bca["ci_low"] < 3.0 < bca["ci_high"]
    assert scores(metrics, metric="nps", method="bca").status_code == 422


@pytest.mark.parametrize("params, field", [
    ({"metric": "loyalty"}, "metric"),
    ({"metric": "nps", "group_by": "colour"}, "group_by"),
    ({"metric": "nps", "confidence": "1.5"}, "confidence"),
    ({"metric": "nps", "confidence": "0"}, "confidence"),
    ({"metric": "nps", "tz": "Mars/Olympus"}, "tz"),
    ({"metric": "nps", "from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ({"metric": "nps", "bogus": "1"}, "bogus"),
])
def test_bad_queries_get_422_naming_the_parameter(metrics, params, field):
    reply = scores(metrics, **params)
    assert reply.status_code == 422
    assert field in str(reply.json["errors"])


def test_csv_export(metrics):
    post(metrics, nps_batch(3, 0, 1, touchpoint="delivery"))
    reply = metrics.http.get("/v1/scores", query_string={"metric": "nps", "group_by": "touchpoint",
                                                         "from": "2025-12-01", "to": NOW.isoformat()},
                             headers={**auth(ADMIN_KEY), "Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert rows[0]["metric"] == "nps" and rows[0]["touchpoint"] == "delivery" and float(rows[0]["value"]) == 50.0 and rows[0]["n"] == "4"


def test_compare_detects_a_drop_and_not_noise(metrics):
    week = timedelta(days=7)
    before = spread(nps_batch(60, 25, 15), NOW - 2 * week, timedelta(minutes=30))
    after = spread(nps_batch(35, 25, 40), NOW - week, timedelta(minutes=30))
    post(metrics, before)
    post(metrics, after)
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "nps", "window": "7d", "end": NOW.isoformat(), "alternative": "less"})
    assert reply.status_code == 200, reply.json
    cell = reply.json["cells"][0]
    assert cell["current"]["value"] == pytest.approx(-5.0) and cell["baseline"]["value"] == pytest.approx(45.0)
    assert cell["difference"]["value"] == pytest.approx(-50.0)
    assert cell["difference"]["ci_high"] < 0
    expected = nps_difference((35, 25, 40), (60, 25, 15), alternative="less")
    assert cell["p_value"] == pytest.approx(expected.parts["p_value"]) and cell["p_value"] < 1e-3
    assert cell["significant"] is True and cell["direction"] == "down"
    rise_test = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "nps", "window": "7d", "end": NOW.isoformat(), "alternative": "greater"})
    assert rise_test.json["cells"][0]["significant"] is False


def test_compare_against_a_baseline_of_several_windows(metrics):
    day = timedelta(days=1)
    for d in range(1, 5):
        post(metrics, spread([response(csat=5) for _ in range(10)] + [response(csat=1) for _ in range(10)],
                             NOW - (d + 1) * day, timedelta(minutes=5)))
    post(metrics, spread([response(csat=5) for _ in range(19)] + [response(csat=1)], NOW - day,
                         timedelta(minutes=5)))
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY), query_string={
        "metric": "csat", "window": "1d", "end": NOW.isoformat(), "baseline": "last_n",
        "baseline_windows": 4, "min_n": 10}).json
    cell = reply["cells"][0]
    assert cell["baseline"]["n"] == 80 and cell["current"]["n"] == 20
    assert cell["difference"]["value"] == pytest.approx(45.0)
    assert cell["direction"] == "up"
    assert datetime.fromisoformat(reply["baseline_window"]["from"]) == NOW - 5 * day


def test_compare_rejects_period_grouping(metrics):
    reply = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY),
                             query_string={"metric": "nps", "group_by": "period"})
    assert reply.status_code == 422 and "group_by" in str(reply.json["errors"])


def test_roles_that_may_read_scores(metrics):
    for role, allowed in (("marketer", True), ("team_lead", True), ("analyst", True), ("ingest", False)):
        reply = metrics.http.get("/v1/scores", query_string={"metric": "nps"},
                                 headers=auth(metrics.key_for(role)))
        assert (reply.status_code == 200) is allowed, role


def test_several_metrics_in_one_pass(metrics):
    post(metrics, [response(nps=10, csat=5, ces=6), response(nps=2, csat=1, ces=2)])
    reply = scores(metrics, metric="nps,csat,ces", group_by="touchpoint,period", min_n=1)
    assert reply.status_code == 200
    by_metric = {c["metric"]: c for c in reply.json["cells"]}
    assert set(by_metric) == {"nps", "csat", "ces"}
    assert by_metric["nps"]["value"] == 0.0 and by_metric["csat"]["value"] == 50.0
    assert by_metric["ces"]["value"] == 4.0
    assert {s["metric"] for s in reply.json["series"]} == {"nps", "csat", "ces"}


def test_compare_csv_export(metrics):
    week = timedelta(days=7)
    post(metrics, spread(nps_batch(6, 2, 2, touchpoint="delivery"), NOW - 2 * week, timedelta(hours=1)))
    post(metrics, spread(nps_batch(2, 2, 6, touchpoint="delivery"), NOW - week, timedelta(hours=1)))
    reply = metrics.http.get("/v1/scores/compare", query_string={"metric": "nps", "group_by": "touchpoint",
                                                                 "end": NOW.isoformat(), "min_n": 1},
                             headers={**auth(ADMIN_KEY), "Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["touchpoint"] == "delivery"
    assert float(rows[0]["current"]) == -40.0 and float(rows[0]["baseline"]) == 40.0
    assert rows[0]["current_n"] == "10" and float(rows[0]["difference"]) == -80.0


def test_comments_in_a_language_without_a_tokenizer_are_stored_without_keywords(metrics):
    """A French survey's comment once made the batch answer 500 (the tokenizer refused 'fr')."""
    reply = post(metrics, [response(nps=3, text="trop lent", lang="fr")])
    assert reply.status_code == 200, reply.json
    assert reply.json["results"][0]["status"] == "stored"
    assert post(metrics, [response(nps=3, text="x", lang="a\x00b")]).status_code == 422
