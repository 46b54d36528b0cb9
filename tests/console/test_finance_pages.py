"""``/finance/retention`` and ``/finance/clv`` against the real metrics service (SQLite and PostgreSQL):
cohort curves with bands, the sBG projection and churn per period; a refit, segments, customers sorted and
paged, exports, a customer's value, the holdout check on CDNOW; roles and a service down."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from openpyxl import load_workbook

from tests.console.support import PASSWORD, post_form, sign_in, text_of
from tests.metrics.test_clv_acceptance import cdnow_transactions
from tests.support import ADMIN_KEY, auth

HOLDOUT = {"calibration_end": "1997-09-30", "holdout_end": "1998-06-30", "time_unit": "week"}


def _signed_in(console, role: str):
    http = console.client()
    sign_in(http, f"{role}@example.com", PASSWORD)
    return http


LIFETIMES = (1, 1, 1, 1, 2, 2, 3, 4, 6, 9, None, None, None, None, None, None)  # months; None: still subscribed


def _contracts(console) -> None:
    """Monthly cohorts of 2024-03 .. 2025-02 (the console's clock is 2025-03-03), 32 contracts each, with a
    falling churn hazard (customers differ in churn propensity, as the sBG model assumes)."""
    rows = []
    for month in range(12):
        year, index = 2024 + (month + 2) // 12, (month + 2) % 12 + 1
        for number in range(32):
            started = date(year, index, 1 + number % 9)
            months = LIFETIMES[number % len(LIFETIMES)]
            ended = None
            if months is not None:
                end_index = started.year * 12 + started.month - 1 + months
                ended = date(end_index // 12, end_index % 12 + 1, 20)
                ended = ended if ended < date(2025, 3, 3) else None
            rows.append({"id": f"k-{month}-{number}", "customer_id": f"sub-{month}-{number}",
                         "started_at": started.isoformat(), "ended_at": ended and ended.isoformat(),
                         "recurring_value": "9900", "currency": "KRW", "segment": "basic" if number % 2 else "plus"})
    reply = console.services["metrics"].client().post("/v1/contracts/batch", json={"contracts": rows},
                                                      headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json


def _specs(page: str) -> list[dict]:
    return [json.loads(spec) for spec in re.findall(r'<script type="application/json" data-chart-spec>(.*?)</script>',
                                                    page, re.S)]


def test_retention_shows_cohort_curves_projection_and_churn(console):
    _contracts(console)
    page = text_of(_signed_in(console, "finance").get("/finance/retention?cohort=month&cohorts=6"))
    assert 'data-chart-kind="survival"' in page and 'data-chart-kind="projection"' in page
    survival, projection = _specs(page)
    cohorts = {row["series"] for row in survival["data"]["values"]}
    assert len(cohorts) >= 4  # one line per cohort with contracts
    assert all(row["low"] <= row["value"] <= row["high"] for row in survival["data"]["values"])
    assert any(layer["mark"]["type"] == "errorband" for layer in survival["layer"])
    future = [row for row in projection["data"]["values"] if row["series"] == "sBG projection"]
    banded = [row for row in future if row["low"] is not None]  # S(0) = 1 has no interval
    assert len(banded) >= 12 and all(row["low"] <= row["value"] <= row["high"] for row in banded)
    assert "Churn per period" in page and "2025-01-01" in page
    quarters = text_of(_signed_in(console, "finance").get("/finance/retention?cohort=quarter&cohorts=4"))
    assert "Q4 2024" in quarters and "Q1 2025" in quarters
    contract = text_of(_signed_in(console, "finance").get("/finance/clv/customers/sub-0-10"))
    assert "Contract customer" in contract and "Chance of no purchase" not in contract  # no per-customer spread
    assert "the page shows the model's expected value only" in contract


def test_retention_for_a_marketer(console):
    page = text_of(_signed_in(console, "marketer").get("/finance/retention"))
    assert "Your role may not read churn and retention." in page


def test_finance_pages_with_metrics_down(console_stack):
    down = console_stack(services_up=False)
    down.person("finance", email="fin-down@example.com")
    http = down.client()
    sign_in(http, "fin-down@example.com", PASSWORD)
    reply = http.get("/finance/retention")
    assert reply.status_code == 200 and "The metrics service is not answering" in text_of(reply)
    clv = http.get("/finance/clv")
    assert clv.status_code == 200 and "The metrics service is not answering" in text_of(clv)


def _post_cdnow(console) -> None:
    rows = cdnow_transactions()
    reply = console.services["metrics"].client().post("/v1/transactions/batch", json={"transactions": rows},
                                                      headers=auth(ADMIN_KEY))
    assert reply.status_code == 200, reply.json


def test_clv_refit_segments_customers_exports_and_one_customer(console):
    http = _signed_in(console, "finance")
    empty = text_of(http.get("/finance/clv"))
    assert "No converged fit yet" in empty
    _post_cdnow(console)
    refit = post_form(http, "/finance/clv/refit", {"as_of": "1997-09-30", "time_unit": "week"}, page="/finance/clv")
    assert refit.status_code == 302 and "fit=" in refit.headers["Location"]
    page = text_of(http.get(refit.headers["Location"]))
    assert "Fitted on 2,357 customers." in page and "converged" in page and "1997-09-30" in page
    assert "Everyone" in page  # the segment totals
    assert "does not show how much one customer" in page
    rows = re.findall(r'<a href="/finance/clv/customers/(\d+)', page)
    assert len(rows) == 25
    following = re.search(r'href="(/finance/clv\?[^"]*cursor=[^"]+)#customers"', page).group(1).replace("&amp;", "&")
    second = re.findall(r'<a href="/finance/clv/customers/(\d+)', text_of(http.get(following)))
    assert len(second) == 25 and not set(rows) & set(second)
    exported = http.get("/finance/clv/export.csv")
    assert exported.status_code == 200
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert table[0][:3] == ["customer_id", "segment", "repeat_purchases"] and len(table) == 2358
    assert table[1][0] == rows[0]  # the same order as the page
    values = [float(row[6]) for row in table[1:]]
    assert values == sorted(values, reverse=True)
    book = load_workbook(io.BytesIO(http.get("/finance/clv/export.xlsx").data), read_only=True)
    sheet = list(book.active.iter_rows(values_only=True))
    assert len(sheet) == 2358 and sheet[1][0] == rows[0] and sheet[0][6] == "clv"
    one = text_of(http.get(f"/finance/clv/customers/{rows[0]}"))
    assert "Probability still a customer" in one and "Expected purchases" in one
    assert "it is not the range this one customer's future spend will fall in" in one  # the parameter interval
    assert "Where this customer's own spend may land" in one and "Chance of no purchase" in one
    assert "10,000 simulated futures" in one
    spread = [spec for spec in _specs(one) if spec["data"]["values"][0]["label"] == "5%"]
    assert len(spread) == 1 and [row["label"] for row in spread[0]["data"]["values"]][-1] == "95%"
    quantiles = [row["value"] for row in spread[0]["data"]["values"]]
    assert quantiles == sorted(quantiles) and quantiles[-1] > 0
    assert f'href="/customers/{rows[0]}"' in one
    journey = text_of(http.get(f"/customers/{rows[0]}"))  # the journey links to the customer's own spread
    assert f'href="/finance/clv/customers/{rows[0]}?fit=' in journey
    assert http.get("/finance/clv/customers/nobody").status_code == 404


def test_holdout_check_on_cdnow_and_its_errors(console):
    _post_cdnow(console)
    http = _signed_in(console, "analyst")
    reply = http.get("/finance/clv/holdout", query_string=HOLDOUT)
    assert reply.status_code == 200
    page = text_of(reply)
    assert 'data-chart-kind="holdout"' in page
    [spec] = _specs(page)
    series = {row["series"] for row in spec["data"]["values"]}
    assert series == {"Actual", "Predicted (BG/NBD)"} and len(spec["data"]["values"]) == 16
    assert "1,653 / 1,882" in page and "−12.1%" in page and "1,411" in page
    backwards = http.get("/finance/clv/holdout", query_string={**HOLDOUT, "holdout_end": "1997-01-01"})
    assert backwards.status_code == 422 and "must be after calibration_end" in text_of(backwards)
    missing = http.get("/finance/clv/holdout", query_string={"calibration_end": "", "holdout_end": "1998-06-30"})
    assert missing.status_code == 422 and "Enter a date as YYYY-MM-DD." in text_of(missing)
    refused = _signed_in(console, "team_lead").get("/finance/clv/holdout", query_string=HOLDOUT)
    assert refused.status_code == 403
