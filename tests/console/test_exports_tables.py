"""CSV and XLSX exports of every console table (scores explorer, survey summary's trend and breakdown, home
surveys, cases, audit log, alert episodes, retention and churn) against the real services: each read back
with the csv module and openpyxl equals the API's rows for the page's filters, times carry the person's
offset, formula-looking text is neutralised, and the page's role rules hold."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from services.console.audit import Actor, record_change
from services.console.table_exports import (
    AUDIT_COLUMNS,
    BREAKDOWN_COLUMNS,
    CASES_COLUMNS,
    CHURN_COLUMNS,
    EPISODES_COLUMNS,
    RETENTION_COLUMNS,
    SCORES_COLUMNS,
    SURVEYS_COLUMNS,
    TREND_COLUMNS,
)
from services.notifier.evaluation import EvaluationSettings, evaluate_due
from tests.console.case_support import open_case, subscribe_lead
from tests.console.dashboard_support import NOW, publish_delivery_survey, seed_dip
from tests.console.support import PASSWORD, post_form, sign_in, text_of
from tests.console.test_alert_pages import DECIDED, RULE, _stored
from tests.console.test_alert_pages import alerts as alerts  # noqa: F401 - the fixture
from tests.console.test_finance_pages import _contracts
from tests.support import ADMIN_KEY, auth

SPAN = {"from": "2024-12-04", "to": "2025-03-04", "tz": "Asia/Seoul"}


def _as(console, email: str):
    http = console.client()
    sign_in(http, email, PASSWORD) if email != "admin@example.com" else sign_in(http)
    return http


def _csv(reply) -> list[dict[str, str]]:
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    assert reply.mimetype == "text/csv" and reply.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))


def _xlsx(reply) -> list[dict]:
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    assert reply.mimetype.endswith("spreadsheetml.sheet")
    table = list(load_workbook(io.BytesIO(reply.get_data()), read_only=True).active.iter_rows(values_only=True))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def _header(reply) -> list[str]:
    return next(csv.reader(io.StringIO(reply.get_data(as_text=True))))


def _metrics_api(stack, path: str, role: str = "analyst", **params) -> dict:
    metrics = stack.services["metrics"]
    reply = metrics.client().get(path, query_string=params, headers=auth(metrics.key_for(role)))
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def _number(text: str) -> float | None:
    return float(text) if text != "" else None


@pytest.fixture
def dip(console):
    survey, metrics = console.services["survey"], console.services["metrics"]
    console.survey_id = publish_delivery_survey(survey.client(), survey.key_for("marketer"))
    seed_dip(metrics.client(), metrics.key_for("service"), console.survey_id, now=NOW)
    return console


def test_the_scores_explorer_exports_the_apis_cells_and_its_trend_lines(dip):
    http = _as(dip, "analyst@example.com")
    view = "range=last_90&metric=csat&by=attr.region&confidence=0.9"
    assert "/scores/export.csv?" + view.replace("&", "&amp;") in text_of(http.get(f"/scores?{view}"))
    rows = _csv(http.get(f"/scores/export.csv?{view}"))
    api = _metrics_api(dip, "/v1/scores", metric="csat", group_by="attr.region", confidence="0.9", **SPAN)
    assert list(rows[0]) == list(SCORES_COLUMNS)
    expected = {(c["group"]["attr.region"], c["value"], c["ci_low"], c["ci_high"], c["n"]) for c in api["cells"]}
    assert {(r["by_value"], _number(r["value"]), _number(r["ci_low"]), _number(r["ci_high"]), int(r["n"]))
            for r in rows} == expected and len(rows) == 3
    trend = "range=last_90&metric=csat&by=period&split=channel&period=month"
    book = _xlsx(http.get(f"/scores/export.xlsx?{trend}"))
    api = _metrics_api(dip, "/v1/scores", metric="csat", group_by="period,channel", period="month", **SPAN)
    points = {(s["group"]["channel"], p["period"], p["n"]) for s in api["series"] for p in s["points"]}
    assert {(r["split_value"], r["by_value"].date().isoformat(), r["n"]) for r in book} == points
    assert all(isinstance(r["value"], int | float) for r in book if r["n"])  # numbers stay numbers
    assert http.get("/scores/export.pdf").status_code == 404


def test_the_survey_summary_exports_its_trend_and_breakdown_tables(dip):
    http = _as(dip, "marketer@example.com")
    query = "range=last_30&period=week&by=channel&segment=region:Seoul"
    page = text_of(http.get(f"/surveys/{dip.survey_id}?{query}"))
    assert f"/surveys/{dip.survey_id}/export/trend.csv?" in page and "export/breakdown.xlsx?" in page
    span = {"from": "2025-02-02", "to": "2025-03-04", "tz": "Asia/Seoul", "survey": str(dip.survey_id),
            "segment": "region:Seoul"}
    trend = _csv(http.get(f"/surveys/{dip.survey_id}/export/trend.csv?{query}"))
    api = _metrics_api(dip, "/v1/scores", metric="csat", group_by="period", period="week", **span)
    assert list(trend[0]) == list(TREND_COLUMNS)
    assert [(r["metric"], r["period_start"], int(r["n"]), _number(r["value"])) for r in trend] == [
        ("csat", p["period"], p["n"], p["value"]) for s in api["series"] for p in s["points"]]
    breakdown = _xlsx(http.get(f"/surveys/{dip.survey_id}/export/breakdown.xlsx?{query}"))
    api = _metrics_api(dip, "/v1/scores", metric="csat", group_by="channel", **span)
    assert {(r["group_by"], r["group"], r["n"], r["value"]) for r in breakdown} == {
        ("channel", c["group"]["channel"], c["n"], c["value"]) for c in api["cells"]}
    assert list(breakdown[0]) == list(BREAKDOWN_COLUMNS)
    assert http.get(f"/surveys/{dip.survey_id}/export/funnel.csv").status_code == 404
    assert http.get("/surveys/999999/export/trend.csv").status_code == 404  # the page's rule: unknown survey


def test_the_home_page_exports_its_surveys_with_score_and_change(dip):
    http = _as(dip, "marketer@example.com")
    assert "/overview/export.csv" in text_of(http.get("/"))
    [row] = _csv(http.get("/overview/export.csv"))
    assert list(row) == list(SURVEYS_COLUMNS)
    api = _metrics_api(dip, "/v1/scores", metric="csat", survey=str(dip.survey_id), tz="Asia/Seoul",
                       **{"from": "2025-02-02", "to": "2025-03-04"})
    [cell] = api["cells"]
    assert (row["survey_id"], row["metric"], _number(row["value"]), int(row["n"])) == (
        str(dip.survey_id), "csat", cell["value"], cell["n"])
    assert row["survey"].startswith("배송 만족도 <script>") and row["significant"] == "True"
    assert row["direction"] == "down" and float(row["change"]) < 0
    [cell] = _xlsx(http.get("/overview/export.xlsx?channel=email"))  # the filter bar narrows it
    assert 0 < cell["n"] < int(row["n"])


def test_cases_export_every_page_of_the_view_with_times_in_the_persons_zone(console):
    subscribe_lead(console, "team_lead@example.com")
    opened = [open_case(console, customer_id=f"cust-{n}", comment="=cmd|' /C calc'!A0" if n == 0 else "늦었어요")
              for n in range(3)]
    open_case(console, touchpoint="returns", customer_id="elsewhere")  # outside the lead's subscriptions
    lead = _as(console, "team_lead@example.com")
    assert "/cases/export.csv?view=team" in text_of(lead.get("/cases?view=team&status=active"))
    rows = _csv(lead.get("/cases/export.csv?view=team&status=active"))
    assert list(rows[0]) == list(CASES_COLUMNS)
    assert sorted(int(r["case_id"]) for r in rows) == sorted(case["id"] for case in opened)
    comments = {r["customer_id"]: r["comment"] for r in rows}
    assert comments["cust-0"] == "'=cmd|' /C calc'!A0"
    opened_at = datetime.fromisoformat(rows[0]["opened_at"])
    assert opened_at.utcoffset().total_seconds() == 9 * 3600  # Asia/Seoul, with its offset
    book = _xlsx(_as(console, "admin@example.com").get("/cases/export.xlsx?view=all&status=active"))
    assert {r["customer_id"] for r in book} == {"cust-0", "cust-1", "cust-2", "elsewhere"}
    assert book[0]["opened_at"].tzinfo is None and isinstance(book[0]["score"], int)  # a date cell, a number
    assert console.client().get("/cases/export.csv").status_code == 302  # signed in first


def test_the_audit_log_exports_every_entry_for_admins_only(console):
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        for number in range(3):
            record_change(session, actor=Actor(user_id=None, email="admin@example.com"), now=NOW + timedelta(minutes=number),
                          action="key.created" if number < 2 else "brand.changed", target=f"=cmd {number}",
                          details={"number": number, "name": "배송"})
        session.commit()
    admin = _as(console, "admin@example.com")
    assert "/settings/audit/export.csv" in text_of(admin.get("/settings/audit"))
    rows = _csv(admin.get("/settings/audit/export.csv"))
    assert list(rows[0]) == list(AUDIT_COLUMNS)
    mine = [r for r in rows if r["target"].startswith("'=cmd")]  # neutralised
    assert [r["target"] for r in mine] == ["'=cmd 2", "'=cmd 1", "'=cmd 0"]  # newest first
    assert mine[0]["at"] == "2025-03-03T18:02:00+09:00" and json.loads(mine[0]["details"])["name"] == "배송"
    only = _xlsx(admin.get("/settings/audit/export.xlsx?action=key.created"))
    assert [r["target"] for r in only] == ["'=cmd 1", "'=cmd 0"]
    assert only[0]["at"] == datetime(2025, 3, 3, 18, 1)  # a date cell at the person's wall-clock time
    assert _as(console, "analyst@example.com").get("/settings/audit/export.csv").status_code == 403


def test_alert_episodes_export_for_their_owner_only(alerts):  # noqa: F811 - the fixture
    lead = _as(alerts, "team_lead@example.com")
    post_form(lead, "/alerts/new", {**RULE, "save": "1"})
    [stored] = _stored(alerts)
    notifier = alerts.services["notifier"]
    with notifier.app.extensions["db"].session_factory() as session:
        evaluate_due(session, notifier.app.extensions["notifier_metrics"], now=DECIDED, settings=EvaluationSettings())
    assert "/alerts/export.csv" in text_of(lead.get("/alerts"))
    [row] = _csv(lead.get(f"/alerts/{stored.id}/export.csv"))
    assert list(row) == list(EPISODES_COLUMNS)
    api = notifier.client().get("/v1/alerts", headers=auth(ADMIN_KEY)).get_json()
    [episode] = api["episodes"]
    snapshot = episode["snapshot"]
    assert (int(row["episode_id"]), row["state"], row["alert"]) == (episode["id"], "firing", RULE["name"])
    assert (_number(row["value"]), int(row["n"]), _number(row["baseline_value"]), _number(row["p_value"])) == (
        snapshot["current"]["value"], snapshot["current"]["n"], snapshot["baseline"]["value"], snapshot["p_value"])
    assert row["window_to"].endswith("+09:00")
    [everything] = _xlsx(lead.get("/alerts/export.xlsx"))
    assert everything["episode_id"] == episode["id"] and isinstance(everything["difference"], float)
    other = _as(alerts, alerts.person("team_lead", "other-lead@example.com"))
    assert other.get(f"/alerts/{stored.id}/export.csv").status_code == 404
    assert _xlsx(other.get("/alerts/export.xlsx")) == []


def test_retention_exports_the_cohort_curves_and_the_churn_per_period(console):
    _contracts(console)
    finance = _as(console, "finance@example.com")
    query = "cohort=month&cohorts=3"
    page = text_of(finance.get(f"/finance/retention?{query}"))
    assert "/finance/retention/export/cohorts.csv?cohort=month" in page and "export/churn.xlsx" in page
    rows = _csv(finance.get(f"/finance/retention/export/cohorts.csv?{query}"))
    assert list(rows[0]) == list(RETENTION_COLUMNS)
    api = _metrics_api(console, "/v1/churn/retention", role="finance", unit="month", as_of="2025-03-03",
                       horizon="12", **{"from": "2025-01-01", "to": "2025-01-31"})
    january = [r for r in rows if r["cohort_from"] == "2025-01-01"]
    assert [(int(r["period"]), float(r["survival"]), float(r["ci_low"])) for r in january] == [
        (p["period"], p["survival"], p["ci_low"]) for p in api["kaplan_meier"]]
    assert {r["cohort_from"] for r in rows} == {"2025-01-01", "2025-02-01"}  # March has no contract yet
    churn = _xlsx(finance.get(f"/finance/retention/export/churn.xlsx?{query}"))
    api = _metrics_api(console, "/v1/churn/rates", role="finance", period="month", **{"from": "2025-01-01",
                                                                                          "to": "2025-03-03"})
    assert list(churn[0]) == list(CHURN_COLUMNS)
    assert [(r["period_start"].date().isoformat(), r["at_risk"], r["churn_rate"]) for r in churn] == [
        (r["period_start"], r["at_risk"], pytest.approx(r["rate"]["value"], rel=1e-12)) for r in api["rates"]]
    marketer = _as(console, "marketer@example.com")
    assert marketer.get(f"/finance/retention/export/churn.csv?{query}").status_code == 403


def test_alert_episodes_export_pages_past_one_read_of_notifier(console):
    from services.console.pages.alerts import ALERTS_PAGE
    from services.notifier.models.alerts import AlertEpisode

    lead = _as(console, "team_lead@example.com")
    assert post_form(lead, "/alerts/new", {**RULE, "save": "1"}).status_code == 302
    [stored] = _stored(console)
    total = ALERTS_PAGE + 3
    with console.services["notifier"].app.extensions["db"].session_factory() as session:
        session.add_all(AlertEpisode(subscription_id=stored.id, scope_key="*", group={}, state="resolved",
                                     open_key=None, opened_at=NOW, notices=1, snapshot={}) for _ in range(total))
        session.commit()
    rows = _csv(lead.get(f"/alerts/{stored.id}/export.csv"))
    assert len(rows) == total and len({row["episode_id"] for row in rows}) == total  # each once, none left out
