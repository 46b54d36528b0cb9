"""CLV through the API: fits inline and in the worker, customers by value, segments, roles."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from services.common.clock import SystemClock
from services.metrics.finance.clv_fits import schedule_nightly_fit
from services.metrics.finance.jobs import run_queued_fits
from services.metrics.models.finance import ClvFit
from tests.metrics.test_clv_acceptance import cdnow_transactions
from tests.support import auth

FIT = {"as_of": "1997-09-30", "time_unit": "week"}


def post_segmented_cdnow(service, key: str) -> None:
    rows = [{**row, "segment": "even" if int(row["customer_id"]) % 2 == 0 else "odd"} for row in cdnow_transactions()]
    reply = service.client().post("/v1/transactions/batch", json={"transactions": rows}, headers=auth(key))
    assert reply.status_code == 200


def worker_sessions(service) -> sessionmaker:
    return sessionmaker(bind=service.connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def fitted(make_service):
    service = make_service("metrics", env={"METRICS_CLV_DRAWS": "50"})
    key = service.key_for("finance")
    post_segmented_cdnow(service, key)
    reply = service.client().post("/v1/clv/fits", json={**FIT, "horizon": 39}, headers=auth(key))
    assert reply.status_code == 201, reply.json
    return service, key, reply.json


def test_customers_page_by_value_with_intervals_and_cursor(fitted):
    service, key, fit = fitted
    client = service.client()
    first = client.get("/v1/clv/customers", query_string={"limit": 50}, headers=auth(key))
    assert first.status_code == 200, first.json
    page = first.json
    assert page["fit_id"] == fit["id"] and len(page["customers"]) == 50
    values = [c["clv"]["value"] for c in page["customers"]]
    assert values == sorted(values, reverse=True) and values[0] > 0
    for customer in page["customers"]:
        for name in ("clv", "probability_alive", "expected_purchases", "expected_spend"):
            estimate = customer[name]
            assert estimate["ci_low"] <= estimate["value"] * 1.0000001 and estimate["value"] <= estimate["ci_high"] * 1.0000001
        assert customer["kind"] == "non_contractual" and customer["horizon"] == 39
    second = client.get("/v1/clv/customers", query_string={"limit": 50, "cursor": page["next_cursor"]},
                        headers=auth(key)).json
    assert second["customers"][0]["clv"]["value"] <= values[-1]
    assert not {c["customer_id"] for c in page["customers"]} & {c["customer_id"] for c in second["customers"]}
    bad = client.get("/v1/clv/customers", query_string={"cursor": "!!nope"}, headers=auth(key))
    assert bad.status_code == 422


def test_customers_as_csv_and_by_segment(fitted):
    service, key, _ = fitted
    reply = service.client().get("/v1/clv/customers", query_string={"limit": 10, "segment": "odd", "order": "asc"},
                                 headers={**auth(key), "Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert len(rows) == 10 and {row["segment"] for row in rows} == {"odd"}
    assert float(rows[0]["clv"]) <= float(rows[-1]["clv"])
    assert reply.headers["X-Next-Cursor"]


def test_one_customer_and_another_horizon(fitted):
    service, key, fit = fitted
    client = service.client()
    top = client.get("/v1/clv/customers", query_string={"limit": 1}, headers=auth(key)).json["customers"][0]
    one = client.get(f"/v1/clv/customers/{top['customer_id']}", headers=auth(key))
    assert one.status_code == 200
    assert one.json["clv"]["value"] == pytest.approx(top["clv"]["value"])
    assert one.json["clv"]["ci_low"] == pytest.approx(top["clv"]["ci_low"])  # same draws every call
    longer = client.get(f"/v1/clv/customers/{top['customer_id']}", query_string={"horizon": 104},
                        headers=auth(key)).json
    assert longer["clv"]["value"] > one.json["clv"]["value"] and longer["horizon"] == 104
    assert client.get("/v1/clv/customers/nobody", headers=auth(key)).status_code == 404


def test_segments_sum_and_mean_with_intervals(fitted):
    service, key, fit = fitted
    reply = service.client().get("/v1/clv/segments", headers=auth(service.key_for("analyst")))
    assert reply.status_code == 200, reply.json
    segments = {s["segment"]: s for s in reply.json["segments"]}
    assert set(segments) == {"*", "even", "odd"}
    assert segments["*"]["customers"] == 2357
    assert segments["even"]["total"]["value"] + segments["odd"]["total"]["value"] == pytest.approx(
        segments["*"]["total"]["value"])
    everyone = segments["*"]["total"]
    assert everyone["ci_low"] < everyone["value"] < everyone["ci_high"]
    assert segments["*"]["mean"]["value"] == pytest.approx(everyone["value"] / 2357)


def test_large_fit_runs_in_the_worker(make_service):
    service = make_service("metrics", env={"METRICS_CLV_INLINE_MAX_CUSTOMERS": "100", "METRICS_CLV_DRAWS": "20"})
    key = service.key_for("finance")
    post_segmented_cdnow(service, key)
    client = service.client()
    queued = client.post("/v1/clv/fits", json={**FIT, "segment": "even"}, headers=auth(key))
    assert queued.status_code == 202 and queued.json["status"] == "pending" and queued.json["params"] is None
    assert queued.headers["Location"].endswith(queued.json["id"])
    assert client.get("/v1/clv/customers", headers=auth(key)).status_code == 404  # nothing converged yet
    assert run_queued_fits(worker_sessions(service), SystemClock(), n_draws=20) == 1
    done = client.get(f"/v1/clv/fits/{queued.json['id']}", headers=auth(key)).json
    assert done["status"] == "done" and done["converged"] is True and done["segment"] == "even"
    assert 0 < done["n_customers"] < 2357 and set(done["params"]) == {"r", "alpha", "a", "b", "p", "q", "gamma"}
    assert done["diagnostics"]["purchase"]["converged"] and len(done["calibration"]) == 8
    assert run_queued_fits(worker_sessions(service), SystemClock(), n_draws=20) == 0


def test_a_fit_that_did_not_converge_is_never_used(fitted):
    service, key, fit = fitted
    service.connection.execute(update(ClvFit).where(ClvFit.id == fit["id"])
                               .values(converged=False, error="did not converge: test"))
    client = service.client()
    assert client.get("/v1/clv/customers", query_string={"fit_id": fit["id"]}, headers=auth(key)).status_code == 409
    assert client.get("/v1/clv/customers", headers=auth(key)).status_code == 404
    assert client.get("/v1/clv/fits/nope", headers=auth(key)).status_code == 404


def test_fit_failures_and_bad_requests(make_service):
    service = make_service("metrics")
    key = service.key_for("finance")
    client = service.client()
    empty = client.post("/v1/clv/fits", json=FIT, headers=auth(key))
    assert empty.status_code == 422 and "too few" in empty.json["message"] and "as_of" in empty.json["errors"]
    rows = [{"id": f"t{i}", "customer_id": f"c{i}", "occurred_at": "1997-01-01", "amount": 1,
             "currency": "USD" if i % 2 else "EUR"} for i in range(4)]
    client.post("/v1/transactions/batch", json={"transactions": rows}, headers=auth(key))
    mixed = client.post("/v1/clv/fits", json=FIT, headers=auth(key))
    assert mixed.status_code == 422 and "currency" in mixed.json["errors"]
    for bad in ({"as_of": "1997-13-01"}, {**FIT, "time_unit": "year"}, {**FIT, "annual_discount_rate": -1}):
        assert client.post("/v1/clv/fits", json=bad, headers=auth(key)).status_code == 422


def test_a_fit_that_fails_inline_is_refused_and_leaves_no_fit(make_service):
    service = make_service("metrics", env={"METRICS_CLV_DRAWS": "20"})
    key = service.key_for("finance")
    post_segmented_cdnow(service, key)
    client = service.client()
    nobody = client.post("/v1/clv/fits", json={**FIT, "segment": "no-such"}, headers=auth(key))
    assert nobody.status_code == 422, nobody.json
    assert "0 customer(s)" in nobody.json["message"] and nobody.json["errors"]["transactions"]
    assert service.connection.execute(select(func.count()).select_from(ClvFit)).scalar_one() == 0


def test_a_queued_fit_that_fails_in_the_worker_keeps_its_failed_status(make_service):
    service = make_service("metrics", env={"METRICS_CLV_INLINE_MAX_CUSTOMERS": "100", "METRICS_CLV_DRAWS": "20"})
    key = service.key_for("finance")
    post_segmented_cdnow(service, key)
    client = service.client()
    queued = client.post("/v1/clv/fits", json={**FIT, "segment": "no-such"}, headers=auth(key))
    assert queued.status_code == 202 and queued.json["status"] == "pending"
    assert run_queued_fits(worker_sessions(service), SystemClock(), n_draws=20) == 1
    failed = client.get(f"/v1/clv/fits/{queued.json['id']}", headers=auth(key)).json
    assert failed["status"] == "failed" and "too few" in failed["error"]


@pytest.mark.parametrize(("role", "read", "write"), [("finance", 200, 201), ("analyst", 200, 403),
                                                     ("service", 403, 403), ("marketer", 403, 403)])
def test_roles_on_clv(fitted, role, read, write):
    service, _, _ = fitted
    key = service.key_for(role)
    client = service.client()
    assert client.get("/v1/clv/customers", query_string={"limit": 1}, headers=auth(key)).status_code == read
    assert client.get("/v1/clv/segments", headers=auth(key)).status_code == read
    assert client.post("/v1/clv/fits", json=FIT, headers=auth(key)).status_code == write


def test_contract_customer_gets_the_sbg_value(fitted):
    service, key, _ = fitted
    contracts = [{"id": f"k{i}", "customer_id": f"sub{i}", "started_at": "2023-01-01",
                  "ended_at": "2023-06-15" if i < 30 else None, "recurring_value": "20", "currency": "EUR"}
                 for i in range(100)]
    service.client().post("/v1/contracts/batch", json={"contracts": contracts}, headers=auth(key))
    active = service.client().get("/v1/clv/customers/sub50", headers=auth(key))
    assert active.status_code == 200, active.json
    body = active.json
    assert body["kind"] == "contractual" and body["recurring_value"] == 20
    assert body["clv"]["ci_low"] < body["clv"]["value"] < body["clv"]["ci_high"]
    assert body["clv"]["value"] == pytest.approx(20 * body["expected_residual_lifetime"]["value"])
    gone = service.client().get("/v1/clv/customers/sub1", headers=auth(key)).json
    assert gone["clv"]["value"] == 0


def test_segments_include_contract_customers(fitted):
    service, key, _ = fitted
    client = service.client()
    assert client.get("/v1/clv/segments", headers=auth(key)).json["contractual"] is None  # no contracts yet
    contracts = [{"id": f"k{i}", "customer_id": f"sub{i % 80}", "started_at": f"2023-0{1 + i % 6}-01",
                  "ended_at": "2023-09-15" if i % 4 == 0 else None, "recurring_value": str(10 + i % 3 * 5),
                  "currency": "EUR", "segment": "pro" if i % 2 else "basic"} for i in range(120)]
    assert client.post("/v1/contracts/batch", json={"contracts": contracts}, headers=auth(key)).status_code == 200
    reply = client.get("/v1/clv/segments", headers=auth(key))
    assert reply.status_code == 200, reply.json
    block = reply.json["contractual"]
    assert block["time_unit"] == "month" and block["annual_discount_rate"] == 0.1
    by_label = {item["segment"]: item for item in block["segments"]}
    assert list(by_label) == ["*", "basic", "pro"]
    active = [c for c in contracts if c["ended_at"] is None]
    owners = sorted({c["customer_id"] for c in active})
    assert by_label["*"]["customers"] == len(owners)
    assert by_label["pro"]["customers"] == len({c["customer_id"] for c in active if c["segment"] == "pro"})
    values = [client.get(f"/v1/clv/customers/{owner}", headers=auth(key)).json["clv"] for owner in owners]
    everyone = by_label["*"]["total"]
    assert everyone["value"] == pytest.approx(sum(v["value"] for v in values), rel=1e-9)
    assert everyone["ci_low"] < everyone["value"] < everyone["ci_high"]
    assert everyone["ci_high"] - everyone["ci_low"] <= sum(v["ci_high"] - v["ci_low"] for v in values) * (1 + 1e-9)
    parts = by_label["basic"]["total"]["value"] + by_label["pro"]["total"]["value"]
    assert parts == pytest.approx(everyone["value"], rel=1e-9)
    assert by_label["*"]["mean"]["value"] == pytest.approx(everyone["value"] / len(owners), rel=1e-12)


def test_contract_customers_page_by_value(fitted):
    service, key, _ = fitted
    client = service.client()
    contracts = [{"id": f"k{i}", "customer_id": f"sub{i % 50}", "started_at": f"2023-0{1 + i % 7}-01",
                  "ended_at": "2023-10-15" if i % 5 == 0 else None, "recurring_value": str(5 + i % 4 * 10),
                  "currency": "EUR", "segment": "pro" if i % 3 else "basic"} for i in range(90)]
    assert client.post("/v1/contracts/batch", json={"contracts": contracts}, headers=auth(key)).status_code == 200
    seen, cursor = [], None
    while True:
        params = {"kind": "contractual", "limit": 7, **({"cursor": cursor} if cursor else {})}
        reply = client.get("/v1/clv/customers", query_string=params, headers=auth(key))
        assert reply.status_code == 200, reply.json
        assert reply.json["fit_id"] is None
        seen += reply.json["customers"]
        cursor = reply.json["next_cursor"]
        if cursor is None:
            break
    owners = {c["customer_id"] for c in contracts if c["ended_at"] is None}
    assert [c["customer_id"] for c in seen] != [] and {c["customer_id"] for c in seen} == owners
    assert len(seen) == len(owners)  # every customer once across the pages
    values = [c["clv"]["value"] for c in seen]
    assert values == sorted(values, reverse=True)
    for item in seen[:5]:  # the same numbers as the customer's own endpoint
        alone = client.get(f"/v1/clv/customers/{item['customer_id']}", headers=auth(key)).json
        assert alone["kind"] == item["kind"] == "contractual" and alone["segment"] == item["segment"]
        assert alone["clv"] == pytest.approx(item["clv"])
    pro = client.get("/v1/clv/customers", query_string={"kind": "contractual", "segment": "pro", "limit": 1000,
                                                         "order": "asc"}, headers=auth(key)).json["customers"]
    assert pro and all(c["segment"] == "pro" for c in pro)
    assert [c["clv"]["value"] for c in pro] == sorted(c["clv"]["value"] for c in pro)
    exported = client.get("/v1/clv/customers", query_string={"kind": "contractual", "limit": 3},
                          headers={**auth(key), "Accept": "text/csv"})
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert table[0][:3] == ["customer_id", "segment", "recurring_value"] and len(table) == 4
    assert exported.headers["X-Next-Cursor"]
    mixed = client.get("/v1/clv/customers", query_string={"kind": "contractual", "fit_id": "x"}, headers=auth(key))
    assert mixed.status_code == 422 and "fit_id" in mixed.json["errors"]["query"]  # as every query error
    foreign = client.get("/v1/clv/customers", query_string={"kind": "contractual", "cursor": cursor or "e30="},
                         headers=auth(key))
    assert foreign.status_code == 422


def test_nightly_refit_is_scheduled_once_per_day(fitted):
    service, _, _ = fitted
    factory = worker_sessions(service)
    now = datetime(1997, 10, 1, 3, 0, tzinfo=UTC)
    with factory() as session:
        first = schedule_nightly_fit(session, now=now, time_unit="week")
        assert first is not None and first.as_of.isoformat() == "1997-09-30" and first.status == "pending"
        assert schedule_nightly_fit(session, now=now, time_unit="week") is None


def test_segments_as_csv(fitted):
    service, key, fit = fitted
    reply = service.client().get("/v1/clv/segments", headers={**auth(key), "Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert reply.headers["X-Fit-Id"] == fit["id"]
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    json_segments = service.client().get("/v1/clv/segments", headers=auth(key)).json["segments"]
    assert [(row["model"], row["segment"]) for row in rows] == [("bgnbd_gamma_gamma", s["segment"])
                                                                for s in json_segments]
    everyone = next(row for row in rows if row["segment"] == "*")
    assert int(everyone["customers"]) == 2357
    assert float(everyone["total_ci_low"]) < float(everyone["total"]) < float(everyone["total_ci_high"])
