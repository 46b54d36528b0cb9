"""What a new user tripped over in the score reports: filter values that match nothing are named in
the reply, periods not over yet are flagged, keywords answer CSV, finance reads scores."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from services.common.clock import ManualClock
from tests.metrics.scores_support import T0, nps_batch, response, spread
from tests.support import ADMIN_KEY, auth

NOW = T0 + timedelta(days=1, hours=12)  # Tuesday noon: the week of T0 (a Monday) is not over
RANGE = {"from": (T0 - timedelta(days=14)).isoformat(), "to": NOW.isoformat()}


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    batch = [response(nps=10, csat=5, text="fast delivery", lang="en", touchpoint="delivery",
                      attributes={"region": "Seoul"}, at=T0 - timedelta(days=7)) for _ in range(6)]
    batch += [response(nps=3, csat=1, text="late delivery", lang="en", touchpoint="support", at=T0)
              for _ in range(6)]
    reply = service.http.post("/v1/responses/batch", json={"responses": batch}, headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json
    return service


def get(metrics, path, headers=None, **params):
    return metrics.http.get(path, query_string=params, headers={**auth(ADMIN_KEY), **(headers or {})})


def test_scores_name_the_filter_values_that_match_nothing(metrics):
    reply = get(metrics, "/v1/scores", metric="csat", touchpoint="delivery,deliverry", channel="email",
                dimension="feel,fell", segment=["region:Seoul", "region:Seol"], min_n=1, **RANGE)
    assert reply.status_code == 200, reply.json
    assert reply.json["unmatched"] == {"touchpoint": ["deliverry"], "dimension": ["fell"],
                                       "segment": ["region:Seol"]}
    assert reply.json["cells"][0]["n"] == 6  # the values that matched still count
    everything = get(metrics, "/v1/scores", metric="nps", touchpoint="delivery", **RANGE)
    assert everything.json["unmatched"] == {}
    empty = get(metrics, "/v1/scores", metric="nps", touchpoint="deliverry", **RANGE)
    assert empty.json["cells"] == [] and empty.json["unmatched"] == {"touchpoint": ["deliverry"]}


def test_compare_and_keywords_name_the_filter_values_that_match_nothing(metrics):
    compare = get(metrics, "/v1/scores/compare", metric="nps", touchpoint="support,suport", window="7d",
                  end=NOW.isoformat())
    assert compare.status_code == 200, compare.json
    assert compare.json["unmatched"] == {"touchpoint": ["suport"]}
    keywords = get(metrics, "/v1/voc/keywords", touchpoint="suport,support", driver="peple", min_count=1, **RANGE)
    assert keywords.status_code == 200, keywords.json
    assert keywords.json["unmatched"] == {"touchpoint": ["suport"], "driver": ["peple"]}
    as_csv = get(metrics, "/v1/scores/compare", headers={"Accept": "text/csv"}, metric="nps",
                 touchpoint="suport", window="7d", end=NOW.isoformat())
    assert json.loads(as_csv.headers["X-Unmatched"]) == {"touchpoint": ["suport"]}


def test_a_period_not_over_yet_is_partial(metrics):
    reply = get(metrics, "/v1/scores", metric="nps", group_by="period", period="week", min_n=1,
                **{"from": (T0 - timedelta(days=7)).date().isoformat(), "to": NOW.isoformat()})
    assert reply.status_code == 200, reply.json
    cells = {cell["group"]["period"]: cell["partial"] for cell in reply.json["cells"]}
    assert cells == {(T0 - timedelta(days=7)).date().isoformat(): False, T0.date().isoformat(): True}
    [line] = reply.json["series"]
    assert [point["partial"] for point in line["points"]] == [False, True]
    as_csv = get(metrics, "/v1/scores", headers={"Accept": "text/csv"}, metric="nps", group_by="period",
                 min_n=1, **{"from": (T0 - timedelta(days=7)).date().isoformat(), "to": NOW.isoformat()})
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [row["partial"] for row in rows] == ["False", "True"]
    cut = get(metrics, "/v1/scores", metric="nps", group_by="period", min_n=1,
              **{"from": (T0 - timedelta(days=7, hours=2)).isoformat(), "to": NOW.isoformat()})
    assert [cell["partial"] for cell in cut.json["cells"]] == [True, True]  # the first week is cut by `from`
    ungrouped = get(metrics, "/v1/scores", metric="nps", **RANGE)
    assert "partial" not in ungrouped.json["cells"][0]


def test_keywords_as_csv(metrics):
    reply = get(metrics, "/v1/voc/keywords", headers={"Accept": "text/csv"}, split="nps", min_count=1, **RANGE)
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    top = {(row["group"], row["keyword"]): row for row in rows if row["list"] == "top"}
    assert top[("detractor", "late")]["count"] == "6" and top[("promoter", "fast")]["count"] == "6"
    assert {row["list"] for row in rows} <= {"top", "rising"}


def test_finance_reads_scores_to_line_nps_up_against_churn(metrics):
    finance = auth(metrics.key_for("finance"))
    for path, params in (("/v1/scores", {"metric": "nps"}), ("/v1/scores/compare", {"metric": "nps"}),
                         ("/v1/voc/keywords", {})):
        reply = metrics.http.get(path, query_string=params, headers=finance)
        assert reply.status_code == 200, (path, reply.json)
    personal = metrics.http.get("/v1/scores", query_string={"metric": "nps", "group_by": "attr.email"},
                                headers=finance)
    assert personal.status_code == 422  # finance has no personal-data access


def test_csv_replies_are_documented(metrics):
    spec = metrics.http.get("/openapi.json").json["paths"]
    for path in ("/v1/scores", "/v1/scores/compare", "/v1/voc/keywords", "/v1/churn/rates",
                 "/v1/churn/retention", "/v1/clv/segments", "/v1/clv/customers"):
        content = spec[path]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv"} <= set(content), path


def test_scores_answer_csv_from_an_earlier_spread(metrics):
    """A regression guard for the shared CSV code: the score CSV still holds one line per cell."""
    extra = spread(nps_batch(3, 0, 0, touchpoint="returns"), T0 - timedelta(days=3), timedelta(hours=1))
    metrics.http.post("/v1/responses/batch", json={"responses": extra}, headers=auth(ADMIN_KEY))
    reply = get(metrics, "/v1/scores", headers={"Accept": "text/csv"}, metric="nps", group_by="touchpoint",
                min_n=1, **RANGE)
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert sorted(row["touchpoint"] for row in rows) == ["delivery", "returns", "support"]
    assert "X-Unmatched" not in reply.headers


def test_compare_takes_to_and_end_still_works(metrics):
    new = get(metrics, "/v1/scores/compare", metric="nps", window="7d", to=NOW.isoformat(), min_n=1)
    old = get(metrics, "/v1/scores/compare", metric="nps", window="7d", end=NOW.isoformat(), min_n=1)
    assert new.status_code == old.status_code == 200, new.json
    assert new.json == old.json and new.json["current_window"]["to"].startswith(NOW.date().isoformat())
    parameters = metrics.http.get("/openapi.json").json["paths"]["/v1/scores/compare"]["get"]["parameters"]
    assert {p["name"] for p in parameters if p.get("deprecated")} == {"end"}
