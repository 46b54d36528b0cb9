"""``/finance/retention``: contract retention by cohort (Kaplan-Meier with bands), the sBG projection past
the data with its interval, and churn per period; every number from metrics' churn API."""

from __future__ import annotations

import functools

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import login_required

from services.console.clients import service_clients
from services.console.finance.charts import projection_chart, survival_chart
from services.console.finance.cohorts import COHORT_COUNTS, read_retention_choice
from services.console.finance.values import TEMPLATE_HELPERS
from services.console.pages.support import now, optional_reads

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


@finance_retention_pages.context_processor
def _helpers() -> dict:
    return TEMPLATE_HELPERS
