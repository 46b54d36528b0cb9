"""Churn rates by period and retention of a cohort."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.csv_reply import csv_alternative, csv_response, wants_csv
from services.common.db import get_session
from services.metrics.finance.churn import churn_rates
from services.metrics.finance.export import churn_table, retention_table
from services.metrics.finance.retention import cohort_retention
from services.metrics.finance.retention_nps import nps_group_retention
from shared.contracts.finance import (
    ChurnRatesArgsSchema,
    ChurnRatesReplySchema,
    RetentionArgsSchema,
    RetentionReplySchema,
)
from shared.contracts.nps_value import NPS_GROUPING

READERS = ("finance", "analyst")

churn_blueprint = ApiBlueprint("churn", __name__, url_prefix="/v1/churn",
                               description="Churn rates and retention of contractual customers")


@churn_blueprint.route("/rates")
class ChurnRates(MethodView):
    @require_roles(*READERS)
    @churn_blueprint.arguments(ChurnRatesArgsSchema, location="query")
    @churn_blueprint.response(200, ChurnRatesReplySchema)
    @churn_blueprint.doc(**csv_alternative("one line per period and group"))
    def get(self, args):
        """Churn rate per period (and segment or plan) with Wilson intervals (finance, analyst).

        The range is `from`..`to` (`start` and `end` are deprecated names). A period not over yet is
        `partial: true`. Send `Accept: text/csv` for one CSV line per period and group."""
        report = churn_rates(get_session(), now=current_app.extensions["clock"].now(), **args)
        if wants_csv():
            return csv_response(*churn_table(report), f"churn-{args['period']}.csv")
        return report


@churn_blueprint.route("/retention")
class Retention(MethodView):
    @require_roles(*READERS)
    @churn_blueprint.arguments(RetentionArgsSchema, location="query")
    @churn_blueprint.response(200, RetentionReplySchema)
    @churn_blueprint.doc(**csv_alternative("one line per period: Kaplan-Meier point and sBG projection"))
    def get(self, args):
        """Kaplan-Meier retention and sBG projection of a cohort (finance, analyst).

        The cohort is the contracts started from `from` to `to` (`cohort_start` and `cohort_end` are
        deprecated names). Send `Accept: text/csv` for one CSV line per period.

        `group_by=nps_group&survey=<relationship survey>` adds `nps_groups`: the cohort split by each
        customer's latest answer to that survey's NPS question before the cohort's first day (promoter,
        passive, detractor, and `not_asked`), a Kaplan-Meier curve with its log(-log) interval per group,
        the log-rank test that the three NPS groups share one curve, and promoters' minus detractors'
        survival per period with its interval."""
        group_by, survey, question = args.pop("group_by"), args.pop("survey"), args.pop("question")
        report = cohort_retention(get_session(), **args)
        report["group_by"], report["nps_groups"] = group_by, None
        if group_by == NPS_GROUPING:
            report["nps_groups"] = nps_group_retention(
                get_session(), survey=survey, question=question, confidence=args["confidence"],
                **{name: args[name] for name in ("cohort_start", "cohort_end", "as_of", "unit", "segment")})
        if wants_csv():
            return csv_response(*retention_table(report), "retention.csv")
        return report
