"""``/v1/responses/triage`` and ``/v1/responses/{id}/triage|notes``: the team's inbox work on responses.

Who may triage: admins and marketers (they run the surveys and send the test invitations that get
excluded); analysts read the inbox but change nothing. "Excluded as test" leaves every score and keyword
count in metrics and comes back when set to false.
"""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.common.disclosure import request_disclosure
from services.common.exceptions import NotFoundError
from services.survey.api.context import now
from services.survey.responding.listing import get_response
from services.survey.responding.triage import add_note, change_triage
from shared.contracts.triage import (
    BulkTriageReplySchema,
    BulkTriageSchema,
    NoteCreateSchema,
    ResponseNoteSchema,
    ResponseTriageSchema,
    TriageChangeSchema,
)

TRIAGERS = ("marketer",)
blp = ApiBlueprint("response_triage", __name__, url_prefix="/v1/responses", description="Survey responses")


@blp.route("/triage")
class BulkTriage(MethodView):
    @require_roles(*TRIAGERS)
    @blp.arguments(BulkTriageSchema)
    @blp.response(200, BulkTriageReplySchema)
    def post(self, body):
        """The same triage change for a selection of up to 500 responses (admin, marketer): status, tags
        to add or remove, excluded as test or counted again. Ids that match nothing are listed back."""
        ids = body.pop("response_ids")
        changed, unknown = change_triage(get_session(), ids, body, now=now())
        return {"changed": len(changed), "unknown_ids": unknown}


@blp.route("/<response_id>/triage")
class ResponseTriage(MethodView):
    @require_roles(*TRIAGERS)
    @blp.arguments(TriageChangeSchema)
    @blp.response(200, ResponseTriageSchema)
    def patch(self, body, response_id: str):
        """Change one response's triage (admin, marketer); the reply is its triage afterwards."""
        session = get_session()
        changed, _unknown = change_triage(session, [response_id], body, now=now())
        if not changed:
            raise NotFoundError(f"no response {response_id}")
        return get_response(session, response_id, disclosure=request_disclosure())["triage"]


@blp.route("/<response_id>/notes")
class ResponseNotes(MethodView):
    @require_roles(*TRIAGERS)
    @blp.arguments(NoteCreateSchema)
    @blp.response(201, ResponseNoteSchema)
    def post(self, body, response_id: str):
        """Add an internal note to a response (admin, marketer); its author is the caller."""
        note = add_note(get_session(), response_id, body["text"], author=current_principal().subject, now=now())
        return {"id": note.id, "author": note.author, "text": note.text, "created_at": note.created_at}
