"""The finance pages in headless Chromium at 360 and 1280 px, in Korean and English: a finance person opens
retention (cohort curves with bands, the sBG projection, churn per period) and CLV (the fit, segments, the
customers by value), exports the customer list (CSV and XLSX, opened and read), opens one customer, and runs
the holdout check on the CDNOW sample. axe-core on every page (0 serious or critical violations);
screenshots under test-artifacts/console/."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.console_stack import ConsoleStack, check_page, people, signed_in
from tests.metrics.test_clv_acceptance import cdnow_transactions
from tests.support import ADMIN_KEY, auth

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("fin-ko@example.com", "김재무"), "en": ("fin-en@example.com", "Fiona Finance")}
WORDS = {
    "ko": {"retention": "유지율", "clv": "고객 생애 가치", "calibration": "보정 기간 종료일", "holdout": "홀드아웃 기간 종료일",
           "run": "홀드아웃 검증 실행", "refit": "재적합", "refit_button": "모형 다시 적합하기", "as_of": "구매 기준일",
           "fitted": "고객 2,357명으로 적합했습니다.", "probability": "고객으로 남아 있을 확률"},
    "en": {"retention": "Retention",
           "clv": "Customer lifetime value", "calibration": "Calibration period ends",
           "holdout": "Holdout period ends", "run": "Run the holdout check", "refit": "Refit",
           "refit_button": "Refit the models", "as_of": "Purchases up to", "fitted": "Fitted on 2,357 customers.",
           "probability": "Probability still a customer"},
}
LIFETIMES = (1, 1, 1, 1, 2, 2, 3, 4, 6, 9, None, None, None, None, None, None)  # months; None: subscribed


def _contracts(today: date) -> list[dict]:
    """Twelve monthly cohorts up to this month, 32 contracts each, with a falling churn hazard."""
    rows = []
    for back in range(12):
        index = today.year * 12 + today.month - 1 - back
        for number in range(32):
            started = date(index // 12, index % 12 + 1, 1 + number % 9)
            months, ended = LIFETIMES[number % len(LIFETIMES)], None
            if months is not None:
                end_index = index + months  # the day before the months-th renewal: churned at that renewal
                ended = date(end_index // 12, end_index % 12 + 1, started.day) - timedelta(days=1)
                ended = ended if ended < today else None
            if started >= today:
                continue
            rows.append({"id": f"k-{back}-{number}", "customer_id": f"sub-{back}-{number}",
                         "started_at": started.isoformat(), "ended_at": ended and ended.isoformat(),
                         "recurring_value": "9900", "currency": "KRW", "segment": "plus" if number % 2 else "basic"})
    return rows


def _seed(metrics) -> None:
    """The CDNOW sample, a year of contract cohorts and a CLV fit to 1997-09-30."""
    client, admin = metrics.test_client(), auth(ADMIN_KEY)
    stored = client.post("/v1/transactions/batch", json={"transactions": cdnow_transactions()}, headers=admin)
    assert stored.status_code == 200, stored.json
    contracts = client.post("/v1/contracts/batch", json={"contracts": _contracts(date.today())}, headers=admin)
    assert contracts.status_code == 200, contracts.json
    fit = client.post("/v1/clv/fits", json={"as_of": "1997-09-30", "time_unit": "week"}, headers=admin)
    assert fit.status_code == 201, fit.json


@pytest.fixture(scope="module")
def live_finance(tmp_path_factory):
    """The console calling the services in-process; metrics holds the CDNOW sample, a CLV fit to 1997-09-30
    and a year of monthly contract cohorts."""
    live = ConsoleStack(tmp_path_factory.mktemp("console-finance"), env={"METRICS_CLV_DRAWS": "50"})
    _seed(live.apps["metrics"])
    live.serve(people(PEOPLE, "finance"))
    yield live
    live.close()


def _download(page, link_name: str, folder) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_finance_reads_retention_and_clv_exports_and_checks_the_holdout(live_finance, browser, artifacts, tmp_path,
                                                                          language, width):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_finance.base_url, PEOPLE[language][0], language, width,
                                          accept_downloads=True)

    page.get_by_role("navigation").get_by_role("link", name=words["retention"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["retention"])
    expect(page.locator('[data-chart-kind="survival"] svg')).to_be_visible()
    expect(page.locator('[data-chart-kind="projection"] svg')).to_be_visible()
    check_page(page, artifacts, f"{prefix}-finance-retention")

    page.get_by_role("navigation").get_by_role("link", name=words["clv"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["clv"])
    if prefix == "en-desktop":  # one refit through the form (the others read the fit made at start)
        page.get_by_text(words["refit"], exact=True).click()
        page.get_by_label(words["as_of"]).fill("1997-09-30")
        page.get_by_role("button", name=words["refit_button"]).click()
        expect(page.get_by_role("status").first).to_contain_text(words["fitted"])
    check_page(page, artifacts, f"{prefix}-finance-clv")

    folder = tmp_path / "downloads"
    folder.mkdir()
    rows = list(csv.reader(io.StringIO(_download(page, "CSV", folder).decode("utf-8-sig"))))
    assert rows[0][0] == "customer_id" and len(rows) == 2358
    first_customer = rows[1][0]
    book = load_workbook(io.BytesIO(_download(page, "XLSX", folder)), read_only=True)
    sheet = list(book.active.iter_rows(values_only=True))
    assert len(sheet) == 2358 and str(sheet[1][0]) == first_customer

    page.get_by_role("link", name=first_customer, exact=True).first.click()
    expect(page.get_by_role("heading", level=2, name=words["probability"])).to_be_visible()
    # the spread of this customer's own future, next to the parameter interval, and what each covers
    spread, no_purchase, covers = {"ko": ("이 고객의 지출이 놓일 수 있는 범위", "구매가 없을 확률", "각 구간이 뜻하는 것"),
                                   "en": ("Where this customer's own spend may land", "Chance of no purchase",
                                          "What each interval covers")}[language]
    expect(page.get_by_role("heading", level=2, name=spread)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=no_purchase)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=covers)).to_be_visible()
    expect(page.locator('[data-chart-kind="spread"] svg')).to_be_visible()
    expect(page.locator("main")).to_contain_text("10,000")
    check_page(page, artifacts, f"{prefix}-finance-clv-customer")
    page.go_back()

    page.get_by_label(words["calibration"]).fill("1997-09-30")
    page.get_by_label(words["holdout"]).fill("1998-06-30")
    page.get_by_role("button", name=words["run"]).click()
    expect(page.locator('[data-chart-kind="holdout"] svg')).to_be_visible()
    expect(page.get_by_role("table").last).to_contain_text("1,411")
    check_page(page, artifacts, f"{prefix}-finance-holdout")
    assert complaints == []
    context.close()


def test_the_contract_cohorts_span_a_year():
    """The seed itself: twelve cohorts, some churned, some still subscribed (what the charts need)."""
    rows = _contracts(date(2025, 3, 3))
    starts = {row["started_at"][:7] for row in rows}
    assert len(starts) == 12 and any(row["ended_at"] for row in rows) and any(not row["ended_at"] for row in rows)
    assert all(row["started_at"] < "2025-03-03" for row in rows)
    assert max(row["ended_at"] or "" for row in rows) < "2025-03-03"
    assert date(2025, 3, 3) - timedelta(days=400) < date.fromisoformat(min(starts) + "-01")
