"""Score routes: responses in from survey, scores, comparisons and keywords out."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.csv_reply import csv_response, wants_csv
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.metrics.scores.export import compare_table, score_table
from services.metrics.scores.ingest import store_responses
from services.metrics.scores.keywords import keyword_report
from services.metrics.scores.reports import compare_report, score_report
from services.metrics.voc.tokenize import keywords_of
from shared.contracts.responses import ResponseBatchResultSchema, ResponseBatchSchema
from shared.contracts.scores import (CompareQueryArgsSchema, CompareReplySchema, ScoreQueryArgsSchema,
                                     ScoresReplySchema)
from shared.contracts.voc import KeywordQueryArgsSchema, KeywordReplySchema

READERS = ("marketer", "analyst", "team_lead", "service")

responses_blp = ApiBlueprint("responses", __name__, url_prefix="/v1/responses",
                             description="Responses delivered by the survey service")
scores_blp = ApiBlueprint("scores", __name__, url_prefix="/v1/scores",
                          description="NPS, CSAT and CES with confidence intervals")
voc_blp = ApiBlueprint("voc", __name__, url_prefix="/v1/voc", description="Voice of the customer")


def _now():
    return current_app.extensions["clock"].now()


@responses_blp.route("/batch")
class ResponseBatch(MethodView):
    @require_roles("service")
    @responses_blp.arguments(ResponseBatchSchema)
    @responses_blp.response(200, ResponseBatchResultSchema)
    def post(self, body):
        """Store responses; each once, replaced only by a newer version (service)."""
        results = store_responses(get_session(), body["responses"], now=_now(), keywords_of=keywords_of)
        return {"results": results}


@scores_blp.route("")
class Scores(MethodView):
    @require_roles(*READERS)
    @scores_blp.arguments(ScoreQueryArgsSchema, location="query")
    @scores_blp.response(200, ScoresReplySchema)
    def get(self, args):
        """Scores per group with intervals and sample sizes; trend series when grouped by period.

        Personal data: for roles without personal-data access (analyst, team_lead; admin, marketer and
        service have it) grouping or filtering by a personal attribute (name, email, phone, address,
        birth date by default; `CX_PERSONAL_ATTRIBUTES`) is refused with 422, and attribute groupings
        merge every cell of fewer than `METRICS_MIN_CELL_SIZE` answers (default 5) into one cell whose
        attribute values read `(other)` (with the next smallest cells while that one is still small);
        `min_cell_size` in the reply says which minimum applied.

        Send `Accept: text/csv` for one CSV line per cell."""
        report = score_report(get_session(), args, now=_now(), disclosure=request_disclosure())
        if wants_csv():
            return csv_response(*score_table(report), "scores.csv")
        return report


@scores_blp.route("/compare")
class CompareScores(MethodView):
    @require_roles(*READERS)
    @scores_blp.arguments(CompareQueryArgsSchema, location="query")
    @scores_blp.response(200, CompareReplySchema)
    def get(self, args):
        """The current window against the previous one or a baseline of N windows, per group.

        Personal data as for `GET /v1/scores`: a cell is merged into `(other)` when either window holds
        fewer answers than the minimum.

        Send `Accept: text/csv` for one CSV line per group."""
        report = compare_report(get_session(), args, now=_now(), disclosure=request_disclosure())
        if wants_csv():
            return csv_response(*compare_table(report), f"{args['metric']}-compare.csv")
        return report


@voc_blp.route("/keywords")
class Keywords(MethodView):
    @require_roles(*READERS)
    @voc_blp.arguments(KeywordQueryArgsSchema, location="query")
    @voc_blp.response(200, KeywordReplySchema)
    def get(self, args):
        """Most frequent and fastest-rising keywords of free-text answers, per group."""
        return keyword_report(get_session(), args, now=_now(), disclosure=request_disclosure())


def score_blueprints() -> list:
    """Blueprints of the scores API."""
    return [responses_blp, scores_blp, voc_blp]
