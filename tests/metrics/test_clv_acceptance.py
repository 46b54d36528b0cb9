"""Acceptance: the finance API reproduces the published estimates of its models' papers.

BG/NBD and Gamma-Gamma on the CDNOW sample (2,357 customers, calibration to 1997-09-30, weeks):
Fader, Hardie & Lee (2005) report r=0.243, alpha=4.414, a=0.793, b=2.426; Fader & Hardie (2013)
report p=6.25, q=3.74, gamma=15.44. sBG on the survivor counts of Fader & Hardie (2007), Table 1:
"regular" 1000, 631, 468, 382, 326, 289, 262, 241 -> alpha=0.704, beta=1.182 and "high end"
1000, 869, 743, 653, 593, 551, 517, 491 -> alpha=0.668, beta=3.806. Tolerance: 3 significant digits (relative 5e-3 of the published value,
which is how far a value printed to 3 digits can be from its rounded form).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from tests.support import auth

CDNOW = Path(__file__).resolve().parents[1] / "data" / "CDNOW_sample.txt"
BATCH = 10_000


def cdnow_transactions() -> list[dict]:
    """The CDNOW sample as API transactions (line number as id; columns: id, new id, date, CDs, dollars)."""
    rows = []
    for number, line in enumerate(CDNOW.read_text().splitlines(), start=1):
        _, customer, day, _, dollars = line.split()
        rows.append({"id": f"cdnow-{number}", "customer_id": customer, "occurred_at": day,
                     "amount": dollars, "currency": "USD"})
    return rows


def post_cdnow(client, key: str) -> None:
    """Store the whole sample through the batch API."""
    rows = cdnow_transactions()
    for start in range(0, len(rows), BATCH):
        reply = client.post("/v1/transactions/batch", json={"transactions": rows[start:start + BATCH]},
                            headers=auth(key))
        assert reply.status_code == 200, reply.json


def same_to_3_digits(value: float, published: float) -> bool:
    """``value`` rounds to the published 3-significant-digit figure (within half a unit of its last digit)."""
    digits = 3 - int(math.floor(math.log10(abs(published)))) - 1
    return abs(value - published) <= 0.5 * 10 ** (-digits) + 1e-12


@pytest.fixture
def metrics(make_service):
    return make_service("metrics")


def test_bgnbd_and_gamma_gamma_reproduce_cdnow_estimates(metrics):
    client, key = metrics.client(), metrics.key_for("finance")
    post_cdnow(client, key)
    reply = client.post("/v1/clv/fits", json={"as_of": "1997-09-30", "time_unit": "week"}, headers=auth(key))
    assert reply.status_code == 201, reply.json
    fit = reply.json
    assert fit["status"] == "done" and fit["converged"] is True
    assert fit["n_customers"] == 2357 and fit["n_repeat_customers"] == 946
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
    for name, value in published.items():
        # 4-digit published values (alpha, b, gamma) are checked to their 3 leading digits
        three = float(f"{value:.3g}")
        assert same_to_3_digits(fit["params"][name], three), (name, fit["params"][name], value)
    assert all(fit["standard_errors"][name] > 0 for name in published)
    # FHL (2005) Figure 2: 1,411 customers with no repeat purchase in the calibration period
    assert fit["calibration"][0] == {"repeat_purchases": "0", "actual": 1411,
                                     "expected": pytest.approx(1411, rel=0.02)}
    fetched = client.get(f"/v1/clv/fits/{fit['id']}", headers=auth(key))
    assert fetched.status_code == 200 and fetched.json["params"] == fit["params"]


REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def yearly_cohort(survivors: list[int], prefix: str) -> list[dict]:
    """Yearly contracts started 2000-01-01, cancelled mid-year so that ``survivors[k]`` renew k times."""
    contracts, number = [], 0

    def contract(ended_at: str | None) -> dict:
        return {"id": f"{prefix}-{number}", "customer_id": f"{prefix}{number}", "started_at": "2000-01-01",
                "ended_at": ended_at, "recurring_value": "100", "currency": "USD", "segment": prefix}

    for year, (alive, next_alive) in enumerate(zip(survivors, survivors[1:], strict=False), start=1):
        for _ in range(alive - next_alive):
            number += 1
            contracts.append(contract(f"{1999 + year}-07-01"))
    for _ in range(survivors[-1]):
        number += 1
        contracts.append(contract(None))
    return contracts


@pytest.mark.parametrize(("survivors", "alpha", "beta"), [(REGULAR, 0.704, 1.18), (HIGH_END, 0.668, 3.81)],
                         ids=["regular", "high_end"])
def test_sbg_reproduces_fader_hardie_2007_cohorts(metrics, survivors, alpha, beta):
    client, key = metrics.client(), metrics.key_for("finance")
    both = yearly_cohort(REGULAR, "regular") + yearly_cohort(HIGH_END, "high")
    stored = client.post("/v1/contracts/batch", json={"contracts": both}, headers=auth(key))
    assert stored.status_code == 200 and stored.json["stored"] == 2000
    segment = "regular" if survivors is REGULAR else "high"
    reply = client.get("/v1/churn/retention", query_string={
        "cohort_start": "2000-01-01", "cohort_end": "2000-01-01", "unit": "year", "as_of": "2007-06-30",
        "segment": segment, "horizon": 5}, headers=auth(key))
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert body["customers"] == 1000 and body["churned"] == 1000 - survivors[-1]
    sbg = body["sbg"]
    assert sbg["converged"] is True
    assert same_to_3_digits(sbg["params"]["alpha"], alpha), sbg["params"]
    assert same_to_3_digits(sbg["params"]["beta"], beta), sbg["params"]
    km = {point["period"]: point["survival"] for point in body["kaplan_meier"]}
    assert [round(km[k] * 1000) for k in range(8)] == survivors
    future = [p for p in sbg["projection"] if not p["observed"]]
    assert len(future) == 5 and all(p["survival"]["ci_low"] < p["survival"]["value"] < p["survival"]["ci_high"]
                                    for p in future)
    assert date.fromisoformat(body["as_of"]) == date(2007, 6, 30)
