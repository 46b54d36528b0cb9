"""``/v1/responses``: responses with filters and cursor pages; ``Accept: text/csv`` exports them."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.csv_reply import csv_response, wants_csv
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.survey.api.context import limit_body, now
from services.survey.responding.importing import import_responses
from services.survey.responding.listing import csv_rows, get_response, list_responses
from shared.contracts.responses import (
    ResponseImportReplySchema,
    ResponseImportSchema,
    ResponseListedSchema,
    ResponsePageSchema,
    ResponseQueryArgsSchema,
)

READERS = ("marketer", "analyst")
blp = ApiBlueprint("responses", __name__, url_prefix="/v1/responses", description="Survey responses")


@blp.route("")
class Responses(MethodView):
    @require_roles(*READERS)
    @blp.arguments(ResponseQueryArgsSchema, location="query")
    @blp.response(200, ResponsePageSchema)
    def get(self, args):
        """Responses by survey, touchpoint, time and completion, oldest update first, in cursor pages.

        Personal attributes (name, email, phone, address, birth date by default; `CX_PERSONAL_ATTRIBUTES`)
        are left out of `attributes` for roles without personal-data access (analyst); admin and marketer
        see them. Each carries its inbox triage (status, tags, excluded as test) and summary (main score,
        comment); the inbox filters on them (`status`, `tag`, `excluded`, `score_min`/`score_max`,
        `has_comment`, `q`, `segment`) and `order=newest` lists newest first. With `Accept: text/csv`:
        the same page as CSV, one column per question."""
        records, next_cursor = list_responses(get_session(), args, disclosure=request_disclosure())
        if wants_csv():
            columns, rows = csv_rows(records)
            response = csv_response(columns, rows, "responses.csv")
            if next_cursor:
                response.headers["X-Next-Cursor"] = next_cursor
            return response
        return {"responses": records, "next_cursor": next_cursor}


@blp.route("/import")
class ResponseImport(MethodView):
    @require_roles()
    @limit_body(4 * 1024 * 1024)
    @blp.arguments(ResponseImportSchema)
    @blp.response(200, ResponseImportReplySchema)
    def post(self, body):
        """Import responses given before cxloop (admin): each in the response contract's form, without
        an invitation, answering a published version of one of this service's surveys. Imported
        responses are listed and exported like the others and forwarded to metrics; they send no
        low-score signals. An id already present is left as it is, so an import can be retried."""
        result = import_responses(get_session(), body["responses"], now=now())
        return {"imported": result.count("imported"), "already_present": result.count("already_present"),
                "rejected": result.count("rejected"), "results": result.results}


@blp.route("/<response_id>")
class ResponseItem(MethodView):
    @require_roles(*READERS)
    @blp.response(200, ResponseListedSchema(unknown="exclude"))
    def get(self, response_id: str):
        """One response with its triage and notes (personal attributes as for the list)."""
        return get_response(get_session(), response_id, disclosure=request_disclosure())
