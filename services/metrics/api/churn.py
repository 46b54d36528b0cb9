"""Churn rates by period and retention of a cohort."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.finance.churn import churn_rates
from services.metrics.finance.retention import cohort_retention
from shared.contracts.finance import (ChurnRatesArgsSchema, ChurnRatesReplySchema, RetentionArgsSchema,
                                      RetentionReplySchema)

READERS = ("finance", "analyst")

churn_blueprint = ApiBlueprint("churn", __name__, url_prefix="/v1/churn",
                               description="Churn rates and retention of contractual customers")


@churn_blueprint.route("/rates")
class ChurnRates(MethodView):
    @require_roles(*READERS)
    @churn_blueprint.arguments(ChurnRatesArgsSchema, location="query")
    @churn_blueprint.response(200, ChurnRatesReplySchema)
    def get(self, args):
        """Churn rate per period (and segment or plan) with Wilson intervals (finance, analyst)."""
        return churn_rates(get_session(), **args)


@churn_blueprint.route("/retention")
class Retention(MethodView):
    @require_roles(*READERS)
    @churn_blueprint.arguments(RetentionArgsSchema, location="query")
    @churn_blueprint.response(200, RetentionReplySchema)
    def get(self, args):
        """Kaplan-Meier retention and sBG projection of a cohort (finance, analyst)."""
        return cohort_retention(get_session(), **args)
