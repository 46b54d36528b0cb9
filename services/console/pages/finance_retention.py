"""``/finance/retention``: contract retention by cohort (Kaplan-Meier with bands), the sBG projection past
the data with its interval, and churn per period; every number from metrics' churn API."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, service_clients
from services.console.exports import FORMATS, export_refused, export_response, with_same_query
from services.console.finance.charts import projection_chart, survival_chart
from services.console.finance.cohorts import COHORT_COUNTS, read_retention_choice
from services.console.finance.values import TEMPLATE_HELPERS
from services.console.pages.support import now, optional_reads
from services.console.table_exports import CHURN_COLUMNS, RETENTION_COLUMNS, churn_rows, retention_rows

finance_retention_pages = Blueprint("finance_retention", __name__, url_prefix="/finance")


@finance_retention_pages.get("/retention")
@login_required
def retention():
    """The cohorts' curves, the projection of all of them together, and the churn rates of their periods."""
    today = now().astimezone(get_timezone()).date()
    choice = read_retention_choice(request.args, today=today)
    cohorts = choice.cohorts()
    metrics = service_clients().metrics
    reads = {f"cohort{index}": functools.partial(metrics.retention,
                                                 params=choice.retention_params(cohort.first, cohort.last))
             for index, cohort in enumerate(cohorts)}
    reads["together"] = functools.partial(metrics.retention,
                                          params=choice.retention_params(cohorts[0].first, cohorts[-1].last))
    reads["rates"] = functools.partial(metrics.churn_rates, params=choice.rates_params())
    outcomes = optional_reads(reads)
    problems = sorted({problem for _value, problem in outcomes.values() if problem})
    allowed = any(value is not None for value, _problem in outcomes.values()) or bool(problems)
    curves = [(cohort, outcomes[f"cohort{index}"][0]) for index, cohort in enumerate(cohorts)]
    together = outcomes["together"][0]
    return render_template(
        "pages/finance/retention.html", choice=choice, counts=COHORT_COUNTS, problems=problems, allowed=allowed,
        curves=curves, survival=survival_chart((cohort.label, report) for cohort, report in curves
                                                if report and report["customers"]),
        together=together, projection=projection_chart(together) if together else None,
        rates=outcomes["rates"][0])


@finance_retention_pages.get("/retention/export/<any(cohorts, churn):table>.<fmt>")
@login_required
def export(table: str, fmt: str):
    """The cohorts' Kaplan-Meier curves (one row per cohort and month) or the churn per period, as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    choice = read_retention_choice(request.args, today=now().astimezone(get_timezone()).date())
    metrics = service_clients().metrics
    try:
        if table == "churn":
            return export_response(fmt, CHURN_COLUMNS, churn_rows(metrics.churn_rates(
                current_user, params=choice.rates_params())), "churn")
        curves = [(cohort, metrics.retention(current_user, params=choice.retention_params(cohort.first, cohort.last)))
                  for cohort in choice.cohorts()]
    except ConsoleServiceError as error:
        return export_refused(error, with_same_query(url_for("finance_retention.retention")))
    return export_response(fmt, RETENTION_COLUMNS, retention_rows(curves), "retention")


@finance_retention_pages.context_processor
def _helpers() -> dict:
    return TEMPLATE_HELPERS
