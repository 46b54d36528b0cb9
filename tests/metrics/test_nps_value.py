"""What a score is worth, checked by simulation through the API.

Customers get a relationship NPS group, then churn (monthly contracts) or buy (Poisson purchase days)
at rates that depend on their group by known amounts. Each replicate is a contract / transaction
segment of its own, so one database holds 30 independent simulated companies and the API is asked
about each: its intervals must cover the known differences at about their stated 95%.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from services.common.clock import ManualClock
from services.metrics.finance.periods import day_start
from tests.support import auth

REPLICATES = 30
SEED = 20261218
CHURN = {"promoter": 0.03, "passive": 0.06, "detractor": 0.12}  # monthly cancellation probability
WEEKLY_PURCHASES = {"promoter": 0.05, "passive": 0.035, "detractor": 0.02}  # mean of a gamma with shape:
RATE_SHAPE = 4.0
DROPOUT = (2.0, 6.0)  # beta: after a repeat purchase a quarter of the customers on average stop buying
SCORES = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}
GROUP_SHARES = {"promoter": 0.32, "passive": 0.3, "detractor": 0.28, "not_asked": 0.1}
COHORT = (date(2025, 1, 1), date(2025, 3, 31))
AS_OF = date(2025, 12, 31)
ASKED_AT = datetime(2024, 12, 15, tzinfo=UTC)
FIRST_DAY = date(2025, 1, 1)
OBSERVED_DAYS = 182  # purchase days 1..182 after the first


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


def _groups(rng: np.random.Generator, n: int) -> list[str]:
    return list(rng.choice(list(GROUP_SHARES), size=n, p=list(GROUP_SHARES.values())))


def _answer(customer: str, group: str, rng: np.random.Generator) -> dict | None:
    if group == "not_asked":
        return None
    low, high = SCORES[group]
    stamp = ASKED_AT.isoformat()
    return {"response_id": f"r-{customer}", "version": 1, "survey_id": "s-rel", "survey_version": 1,
            "touchpoint": "relationship", "channel": "email", "customer_id": customer, "lang": "en",
            "attributes": {}, "completed": True, "created_at": stamp, "updated_at": stamp, "completed_at": stamp,
            "answers": [{"question_key": "nps", "type": "nps", "value": int(rng.integers(low, high + 1))}]}


def _contracts(rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    contracts, answers = [], []
    seen_until = day_start(AS_OF + timedelta(days=1))
    for rep in range(REPLICATES):
        for i, group in enumerate(_groups(rng, 450)):
            customer = f"k{rep}-{i}"
            # days 1-28 of the cohort's three months: a month later is always a calendar day
            started = datetime(2025, int(rng.integers(1, 4)), int(rng.integers(1, 29)), 9, tzinfo=UTC)
            ended = _add_months(started, int(rng.geometric(CHURN[group]))) if group != "not_asked" else None
            contracts.append({"id": f"c-{customer}", "customer_id": customer, "started_at": started.isoformat(),
                              "ended_at": ended.isoformat() if ended and ended < seen_until else None,
                              "plan": "pro", "recurring_value": "10", "currency": "EUR", "segment": f"rep{rep}"})
            answer = _answer(customer, group, rng)
            if answer:
                answers.append(answer)
    return contracts, answers


def _transactions(rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    rows, answers = [], []
    for rep in range(REPLICATES):
        for i, group in enumerate(_groups(rng, 300)):
            customer = f"b{rep}-{i}"
            mean_rate = WEEKLY_PURCHASES["passive" if group == "not_asked" else group] / 7
            rate = rng.gamma(RATE_SHAPE, mean_rate / RATE_SHAPE)
            dropout = rng.beta(*DROPOUT)  # BG/NBD: after each repeat purchase, gone for good with this probability
            days = [0]
            for day in np.flatnonzero(rng.poisson(rate, OBSERVED_DAYS) > 0) + 1:
                days.append(int(day))
                if rng.random() < dropout:
                    break
            for day in days:
                moment = day_start(FIRST_DAY + timedelta(days=int(day))) + timedelta(hours=12)
                rows.append({"id": f"t-{customer}-{day}", "customer_id": customer, "occurred_at": moment.isoformat(),
                             "amount": f"{rng.gamma(4.0, 10.0):.2f}", "currency": "EUR", "segment": f"rep{rep}"})
            answer = _answer(customer, group, rng)
            if answer:
                answers.append(answer)
    return rows, answers


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(SEED)
    contracts, contract_answers = _contracts(rng)
    transactions, buyer_answers = _transactions(rng)
    return {"contracts": contracts, "transactions": transactions, "answers": contract_answers + buyer_answers}


@pytest.fixture
def metrics(make_service, simulated):
    service = make_service("metrics", clock=ManualClock(datetime(2026, 1, 5, tzinfo=UTC)))
    client = service.client()
    finance, forwarder = auth(service.key_for("finance")), auth(service.key_for("service"))
    for name, path, key in (("contracts", "/v1/contracts/batch", finance),
                            ("transactions", "/v1/transactions/batch", finance),
                            ("responses", "/v1/responses/batch", forwarder)):
        rows = simulated["answers" if name == "responses" else name]
        size = 500 if name == "responses" else 10_000
        for first in range(0, len(rows), size):
            reply = client.post(path, json={name: rows[first:first + size]}, headers=key)
            assert reply.status_code == 200, reply.json
    _analyze(service)
    service.http = client
    service.finance = finance
    return service


def _analyze(service) -> None:
    """Planner statistics for the rows of this test's open transaction, as autovacuum keeps them for a
    real database: without them PostgreSQL takes the freshly filled tables for empty and joins the
    latest-answer subquery in a nested loop, re-ranking every answer once per customer (minutes)."""
    if service.connection.dialect.name == "postgresql":
        service.connection.exec_driver_sql("ANALYZE")


def _covers(estimate: dict, truth: float) -> bool:
    return estimate["ci_low"] <= truth <= estimate["ci_high"]


def test_retention_by_nps_group_recovers_the_known_survival_and_its_difference(metrics):
    covered, difference_covered, significant = [], [], 0
    for rep in range(REPLICATES):
        reply = metrics.http.get("/v1/churn/retention", headers=metrics.finance, query_string={
            "from": COHORT[0].isoformat(), "to": COHORT[1].isoformat(), "as_of": AS_OF.isoformat(),
            "segment": f"rep{rep}", "group_by": "nps_group", "survey": "s-rel"})
        assert reply.status_code == 200, reply.json
        split = reply.json["nps_groups"]
        assert split["nps"]["question"] == "nps" and split["nps"]["answered_before"].startswith("2025-01-01")
        groups = {g["group"]: g for g in split["groups"]}
        assert sum(g["customers"] for g in groups.values()) == reply.json["customers"] == 450
        for group, monthly in CHURN.items():
            points = {p["period"]: p for p in groups[group]["kaplan_meier"]}
            for period in (3, 6):
                covered.append(_covers(points[period], (1 - monthly) ** period))
        differences = {d["period"]: d for d in split["promoter_minus_detractor"]}
        for period in (3, 6):
            truth = (1 - CHURN["promoter"]) ** period - (1 - CHURN["detractor"]) ** period
            difference_covered.append(_covers(differences[period], truth))
        test = split["logrank"]
        assert test["df"] == 2 and set(test["groups"]) == set(CHURN)
        significant += test["p_value"] < 0.01
    assert 0.9 <= np.mean(covered) <= 0.995, np.mean(covered)
    assert 0.85 <= np.mean(difference_covered) <= 1.0, np.mean(difference_covered)
    assert significant >= 0.9 * REPLICATES


def test_clv_by_nps_group_recovers_the_known_repeat_rate_difference(metrics):
    fit = metrics.http.post("/v1/clv/fits", headers=metrics.finance, json={
        "as_of": (FIRST_DAY + timedelta(days=OBSERVED_DAYS)).isoformat(), "time_unit": "week", "horizon": 52})
    assert fit.status_code == 201 and fit.json["converged"], str({k: v for k, v in fit.json.items() if k != "calibration"})
    _analyze(metrics)
    # a repeat purchase needs one purchase day after the first (nobody drops out before a repeat purchase)
    rate = {g: 1 - (1 + WEEKLY_PURCHASES[g] / 7 * OBSERVED_DAYS / RATE_SHAPE) ** -RATE_SHAPE
            for g in WEEKLY_PURCHASES}
    covered, difference_covered, clv_positive = [], [], 0
    for rep in range(REPLICATES):
        reply = metrics.http.get("/v1/clv/segments", headers=metrics.finance, query_string={
            "group_by": "nps_group", "survey": "s-rel", "segment": f"rep{rep}"})
        assert reply.status_code == 200, reply.json
        split = reply.json["nps_groups"]
        groups = {g["group"]: g for g in split["groups"]}
        assert list(groups) == ["promoter", "passive", "detractor", "not_asked"]
        assert sum(g["customers"] for g in groups.values()) == 300
        for group in ("promoter", "passive", "detractor"):
            covered.append(_covers(groups[group]["repeat_rate"], rate[group]))
        difference = split["promoter_minus_detractor"]
        difference_covered.append(_covers(difference["repeat_rate"], rate["promoter"] - rate["detractor"]))
        clv_positive += difference["mean_clv"]["ci_low"] > 0
        assert groups["promoter"]["mean_clv"]["value"] > groups["detractor"]["mean_clv"]["value"]
    assert 0.88 <= np.mean(covered) <= 1.0, np.mean(covered)
    assert 0.85 <= np.mean(difference_covered) <= 1.0, np.mean(difference_covered)
    # promoters are worth more in every replicate; with ~90 customers a group the Welch interval excludes 0
    # in about 60% of them (the mean CLV's truth under the fitted model has no closed form to cover)
    assert clv_positive >= 0.5 * REPLICATES, clv_positive


@pytest.mark.parametrize("query", [
    {"group_by": "nps_group"},  # no survey
    {"survey": "s-rel"},  # survey without the grouping
    {"group_by": "plan"},
])
def test_nps_grouping_refuses_bad_queries(metrics, query):
    reply = metrics.http.get("/v1/churn/retention", headers=metrics.finance, query_string={
        "from": "2025-01-01", "to": "2025-03-31", "as_of": "2025-12-31", **query})
    assert reply.status_code == 422, reply.json
    other = metrics.http.get("/v1/clv/segments", headers=metrics.finance, query_string=query)
    assert other.status_code == 422, other.json


def test_unknown_survey_or_question(metrics):
    base = {"from": "2025-01-01", "to": "2025-03-31", "as_of": "2025-12-31", "group_by": "nps_group"}
    missing = metrics.http.get("/v1/churn/retention", headers=metrics.finance,
                               query_string={**base, "survey": "nope"})
    assert missing.status_code == 404, missing.json
    wrong = metrics.http.get("/v1/churn/retention", headers=metrics.finance,
                             query_string={**base, "survey": "s-rel", "question": "csat"})
    assert wrong.status_code == 422 and "question" in wrong.json["errors"], wrong.json
