"""The interval of a rate (a response rate, for example): metrics owns every statistic."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.metrics.api.scores import READERS
from services.metrics.stats.proportions import proportion
from shared.contracts.estimates import EstimateSchema
from shared.contracts.funnel import ProportionQueryArgsSchema

proportions_blp = ApiBlueprint("proportions", __name__, url_prefix="/v1/estimates",
                               description="Intervals of rates computed from counts")


@proportions_blp.route("/proportion")
class Proportion(MethodView):
    @require_roles(*READERS)
    @proportions_blp.arguments(ProportionQueryArgsSchema, location="query")
    @proportions_blp.response(200, EstimateSchema)
    def get(self, args):
        """`successes` out of `trials` as a percentage with its Wilson interval (flagged `insufficient`
        under `min_n` trials): the response rate of a survey's funnel, for example.
        Readers: marketer, analyst, team_lead, finance, service."""
        estimate = proportion(args["successes"], args["trials"], confidence=args["confidence"], min_n=args["min_n"])
        result = estimate.as_dict()
        for name in ("value", "ci_low", "ci_high"):
            if result.get(name) is not None:
                result[name] = 100.0 * result[name]
        return result
