"""Score routes: responses in from survey, scores, comparisons and keywords out."""

from __future__ import annotations

import json

from flask import Response, current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.csv_reply import csv_alternative, csv_response, wants_csv
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.metrics.analytics.explain import explained_compare
from services.metrics.scores.export import compare_table, keyword_table, score_table
from services.metrics.scores.ingest import store_responses
from services.metrics.scores.keywords import keyword_report
from services.metrics.scores.reports import compare_report, score_report
from services.metrics.voc.tokenize import keywords_of
from shared.contracts.responses import ResponseBatchResultSchema, ResponseBatchSchema
from shared.contracts.scores import CompareQueryArgsSchema, CompareReplySchema, ScoreQueryArgsSchema, ScoresReplySchema
from shared.contracts.voc import KeywordQueryArgsSchema, KeywordReplySchema

# finance reads scores too: it lines NPS up against churn (issue 13)
READERS = ("marketer", "analyst", "team_lead", "finance", "service")
UNMATCHED_HEADER = {"X-Unmatched": {"description": "with text/csv: the reply's `unmatched` as JSON, when not empty",
                                    "schema": {"type": "string"}}}

responses_blp = ApiBlueprint("responses", __name__, url_prefix="/v1/responses",
                             description="Responses delivered by the survey service")
scores_blp = ApiBlueprint("scores", __name__, url_prefix="/v1/scores",
                          description="NPS, CSAT and CES with confidence intervals")
voc_blp = ApiBlueprint("voc", __name__, url_prefix="/v1/voc", description="Voice of the customer")


def _now():
    return current_app.extensions["clock"].now()


def _csv(report: dict, table, filename: str) -> Response:
    """The report as CSV; filter values that matched nothing travel in the ``X-Unmatched`` header."""
    response = csv_response(*table(report), filename)
    if report["unmatched"]:
        response.headers["X-Unmatched"] = json.dumps(report["unmatched"], ensure_ascii=True)
    return response


def _csv_doc(description: str) -> dict:
    doc = csv_alternative(description)
    doc["responses"][200]["headers"] = UNMATCHED_HEADER
    return doc


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
    @scores_blp.doc(**_csv_doc("one line per cell"))
    def get(self, args):
        """Scores per group with intervals and sample sizes; trend series when grouped by period.

        Personal data: for roles without personal-data access (analyst, team_lead; admin, marketer and
        service have it) grouping or filtering by a personal attribute (name, email, phone, address,
        birth date by default; `CX_PERSONAL_ATTRIBUTES`) is refused with 422, and attribute groupings
        merge every cell of fewer than `METRICS_MIN_CELL_SIZE` answers (default 5) into one cell whose
        attribute values read `(other)` (with the next smallest cells while that one is still small);
        `min_cell_size` in the reply says which minimum applied.

        Grouped by period, a period only partly inside the range (not over yet, or cut by `from` or `to`)
        is `partial: true`. Filter values that no answer in the range carries are listed in `unmatched`.
        Readers: marketer, analyst, team_lead, finance (NPS beside churn), service.

        Send `Accept: text/csv` for one CSV line per cell."""
        report = score_report(get_session(), args, now=_now(), disclosure=request_disclosure())
        if wants_csv():
            return _csv(report, score_table, "scores.csv")
        return report


@scores_blp.route("/compare")
class CompareScores(MethodView):
    @require_roles(*READERS)
    @scores_blp.arguments(CompareQueryArgsSchema, location="query")
    @scores_blp.response(200, CompareReplySchema)
    @scores_blp.doc(**_csv_doc("one line per group"))
    def get(self, args):
        """The current window against the previous one or a baseline of N windows, per group.

        Personal data as for `GET /v1/scores`: a cell is merged into `(other)` when either window holds
        fewer answers than the minimum.

        Filter values that no answer of either window carries are listed in `unmatched`.
        With `explain=<grouping>` each significant cell carries an `explanation`: its change split into the
        grouping's segment contributions (shift-share: own score, share of answers and their interaction,
        adding up to the change, with percentile bootstrap intervals), ranked, and the keywords that rose
        among the comments of its low scores, with examples.
        Send `Accept: text/csv` for one CSV line per group (without explanations)."""
        if args["explain"] and not wants_csv():
            report = explained_compare(get_session(), args, now=_now(), disclosure=request_disclosure())
        else:
            report = compare_report(get_session(), args, now=_now(), disclosure=request_disclosure())
        if wants_csv():
            return _csv(report, compare_table, f"{args['metric']}-compare.csv")
        return report


@voc_blp.route("/keywords")
class Keywords(MethodView):
    @require_roles(*READERS)
    @voc_blp.arguments(KeywordQueryArgsSchema, location="query")
    @voc_blp.response(200, KeywordReplySchema)
    @voc_blp.doc(**_csv_doc("one line per group, list (top or rising) and keyword; examples only in JSON"))
    def get(self, args):
        """Most frequent and fastest-rising keywords of free-text answers, per group.

        Filter values that no answer in either window carries are listed in `unmatched`.
        Send `Accept: text/csv` for one CSV line per group, list and keyword."""
        report = keyword_report(get_session(), args, now=_now(), disclosure=request_disclosure())
        if wants_csv():
            return _csv(report, keyword_table, "keywords.csv")
        return report


def score_blueprints() -> list:
    """Blueprints of the scores API."""
    return [responses_blp, scores_blp, voc_blp]
