"""Churn rates and cohort retention through the API."""

from __future__ import annotations

import pytest

from services.metrics.stats.proportions import wilson_interval
from tests.support import auth


def contract(number: int, started: str, ended: str | None = None, segment: str = "smb") -> dict:
    return {"id": f"k{number}", "customer_id": f"c{number}", "started_at": started, "ended_at": ended,
            "plan": "pro" if number % 2 else "basic", "recurring_value": "10", "currency": "EUR", "segment": segment}


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics")
    contracts = [contract(i, "2023-12-01", segment="smb" if i < 20 else "enterprise") for i in range(40)]
    for i in range(10):
        contracts[i]["ended_at"] = "2024-01-15T08:00:00Z"
    for i in range(10, 15):
        contracts[i]["ended_at"] = "2024-02-10"
    contracts += [contract(100 + i, "2024-01-03", "2024-01-20") for i in range(3)]
    reply = service.client().post("/v1/contracts/batch", json={"contracts": contracts},
                                  headers=auth(service.key_for("finance")))
    assert reply.status_code == 200
    return service


def test_monthly_churn_rates_with_wilson_intervals(metrics):
    reply = metrics.client().get("/v1/churn/rates", query_string={"period": "month", "start": "2024-01-01",
                                                                  "end": "2024-02-29"},
                                 headers=auth(metrics.key_for("analyst")))
    assert reply.status_code == 200, reply.json
    january, february = reply.json["rates"]
    assert (january["period_start"], january["period_end"]) == ("2024-01-01", "2024-02-01")
    assert (january["at_risk"], january["churned"]) == (40, 10)
    assert (february["at_risk"], february["churned"]) == (30, 5)
    low, high = wilson_interval(10, 40)
    assert january["rate"]["value"] == pytest.approx(0.25)
    assert (january["rate"]["ci_low"], january["rate"]["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert january["rate"]["method"] == "wilson"


def test_churn_rates_by_segment_and_an_empty_period(metrics):
    reply = metrics.client().get("/v1/churn/rates", query_string={
        "period": "quarter", "start": "2023-10-01", "end": "2024-03-31", "group_by": "segment"},
        headers=auth(metrics.key_for("finance")))
    assert reply.status_code == 200
    rows = {(row["period_start"], row["group"]): row for row in reply.json["rates"]}
    assert rows[("2024-01-01", "smb")]["at_risk"] == 20 and rows[("2024-01-01", "smb")]["churned"] == 15
    assert rows[("2024-01-01", "enterprise")]["churned"] == 0
    assert all(start != "2023-10-01" for start, _ in rows)  # nobody at risk: no group rows
    empty = metrics.client().get("/v1/churn/rates", query_string={"start": "2020-01-01", "end": "2020-01-31"},
                                 headers=auth(metrics.key_for("finance")))
    assert empty.json["rates"][0]["at_risk"] == 0 and empty.json["rates"][0]["rate"]["value"] is None


@pytest.mark.parametrize("query", [
    {"start": "2024-02-01", "end": "2024-01-01"}, {"start": "2000-01-01", "end": "2030-01-01"},
    {"start": "2024-01-01", "end": "2024-02-01", "period": "week"}, {"start": "2024-01-01"},
    {"start": "2024-01-01", "end": "2024-02-01", "extra": "1"},
])
def test_bad_churn_queries_are_422(metrics, query):
    reply = metrics.client().get("/v1/churn/rates", query_string=query, headers=auth(metrics.key_for("finance")))
    assert reply.status_code == 422


@pytest.mark.parametrize(("role", "status"), [("analyst", 200), ("service", 403), ("marketer", 403),
                                              ("team_lead", 403), ("ingest", 403)])
def test_who_reads_churn(metrics, role, status):
    reply = metrics.client().get("/v1/churn/rates", query_string={"start": "2024-01-01", "end": "2024-01-31"},
                                 headers=auth(metrics.key_for(role)))
    assert reply.status_code == status


def test_monthly_retention_curve_and_sbg(metrics):
    reply = metrics.client().get("/v1/churn/retention", query_string={
        "cohort_start": "2023-12-01", "cohort_end": "2023-12-31", "unit": "month", "as_of": "2024-03-15"},
        headers=auth(metrics.key_for("finance")))
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert body["customers"] == 40 and body["churned"] == 15
    curve = {p["period"]: p for p in body["kaplan_meier"]}
    # ended 2024-01-15: churned in month 2; ended 2024-02-10: in month 3; the rest renewed 3 times
    assert curve[0]["survival"] == curve[1]["survival"] == 1.0
    assert curve[2]["survival"] == pytest.approx(30 / 40)
    assert curve[3]["survival"] == pytest.approx(30 / 40 * 25 / 30)
    assert curve[3]["ci_low"] < curve[3]["survival"] < curve[3]["ci_high"]
    sbg = body["sbg"]
    assert sbg["params"]["alpha"] > 0 and sbg["standard_errors"]["alpha"] > 0
    assert len(sbg["projection"]) == 4 + 12 and sbg["projection"][0]["retention"] is None
    lifetime = sbg["residual_lifetime"][0]["lifetime"]
    assert lifetime["ci_low"] < lifetime["value"] < lifetime["ci_high"]


def test_retention_without_churn_has_no_sbg_fit(metrics):
    reply = metrics.client().get("/v1/churn/retention", query_string={
        "cohort_start": "2023-12-01", "cohort_end": "2023-12-31", "as_of": "2023-12-20"},
        headers=auth(metrics.key_for("finance")))
    assert reply.status_code == 200
    assert reply.json["sbg"] is None and "no churn" in reply.json["sbg_unavailable_reason"]
    nobody = metrics.client().get("/v1/churn/retention", query_string={
        "cohort_start": "1990-01-01", "cohort_end": "1990-12-31", "as_of": "2024-01-01"},
        headers=auth(metrics.key_for("finance")))
    assert nobody.status_code == 200 and nobody.json["customers"] == 0 and nobody.json["kaplan_meier"] == []


def test_churn_rates_take_from_and_to_and_the_old_names_still_work(metrics):
    client, headers = metrics.client(), auth(metrics.key_for("finance"))
    new = client.get("/v1/churn/rates", query_string={"from": "2024-01-01", "to": "2024-02-29"}, headers=headers)
    old = client.get("/v1/churn/rates", query_string={"start": "2024-01-01", "end": "2024-02-29"}, headers=headers)
    assert new.status_code == old.status_code == 200, new.json
    assert new.json == old.json and len(new.json["rates"]) == 2
    both = client.get("/v1/churn/rates", query_string={"from": "2024-01-01", "start": "2023-01-01",
                                                       "to": "2024-02-29"}, headers=headers)
    assert both.status_code == 422 and "from" in both.json["errors"]["query"]
    neither = client.get("/v1/churn/rates", query_string={"to": "2024-02-29"}, headers=headers)
    assert neither.status_code == 422 and "from" in neither.json["errors"]["query"]
    spec = client.get("/openapi.json").json["paths"]["/v1/churn/rates"]["get"]["parameters"]
    deprecated = {p["name"] for p in spec if p.get("deprecated")}
    assert deprecated == {"start", "end"}


def test_retention_takes_from_and_to_and_the_old_names_still_work(metrics):
    client, headers = metrics.client(), auth(metrics.key_for("finance"))
    new = client.get("/v1/churn/retention", query_string={"from": "2023-12-01", "to": "2023-12-31",
                                                          "as_of": "2024-03-15"}, headers=headers)
    old = client.get("/v1/churn/retention", query_string={"cohort_start": "2023-12-01", "cohort_end": "2023-12-31",
                                                          "as_of": "2024-03-15"}, headers=headers)
    assert new.status_code == old.status_code == 200, new.json
    assert new.json == old.json and new.json["customers"] == 40
    assert (new.json["from"], new.json["to"]) == ("2023-12-01", "2023-12-31")
    spec = client.get("/openapi.json").json["paths"]["/v1/churn/retention"]["get"]["parameters"]
    assert {p["name"] for p in spec if p.get("deprecated")} == {"cohort_start", "cohort_end"}


def test_a_period_not_over_yet_is_partial(make_service):
    from datetime import UTC, datetime

    from services.common.clock import ManualClock

    service = make_service("metrics", clock=ManualClock(datetime(2024, 2, 10, 12, tzinfo=UTC)))
    headers = auth(service.key_for("finance"))
    body = {"contracts": [contract(i, "2023-11-01", "2024-01-05" if i < 3 else None) for i in range(10)]}
    assert service.client().post("/v1/contracts/batch", json=body, headers=headers).status_code == 200
    reply = service.client().get("/v1/churn/rates", query_string={"from": "2023-12-01", "to": "2024-02-29"},
                                 headers=headers)
    assert reply.status_code == 200, reply.json
    assert [(r["period_start"], r["partial"]) for r in reply.json["rates"]] == [
        ("2023-12-01", False), ("2024-01-01", False), ("2024-02-01", True)]


def test_churn_rates_and_retention_as_csv(metrics):
    import csv
    import io

    headers = {**auth(metrics.key_for("analyst")), "Accept": "text/csv"}
    rates = metrics.client().get("/v1/churn/rates", query_string={"from": "2024-01-01", "to": "2024-02-29",
                                                                  "group_by": "segment"}, headers=headers)
    assert rates.status_code == 200 and rates.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(rates.get_data(as_text=True))))
    january = {row["group"]: row for row in rows if row["period_start"] == "2024-01-01"}
    assert (january["smb"]["at_risk"], january["smb"]["churned"]) == ("20", "10")
    assert float(january["smb"]["rate"]) == pytest.approx(0.5) and float(january["smb"]["rate_ci_low"]) < 0.5
    assert january["smb"]["partial"] == "False"
    retention = metrics.client().get("/v1/churn/retention", query_string={
        "from": "2023-12-01", "to": "2023-12-31", "as_of": "2024-03-15"}, headers=headers)
    assert retention.status_code == 200 and retention.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(retention.get_data(as_text=True))))
    assert [int(line["period"]) for line in lines] == list(range(4 + 12))
    assert float(lines[2]["km_survival"]) == pytest.approx(30 / 40)
    assert lines[-1]["km_survival"] == "" and float(lines[-1]["sbg_survival"]) < float(lines[0]["sbg_survival"])
