"""``/v1/playbooks``: what to do with a low score per touchpoint (and segment). Admins and marketers write;
admins, marketers and team leads read."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.api.access import now
from services.notifier.cases.playbooks import (
    create_playbook,
    delete_playbook,
    get_playbook,
    list_playbooks,
    playbook_dict,
    replace_playbook,
)
from shared.contracts.cases import PlaybookListSchema, PlaybookSchema, PlaybookWriteSchema

playbooks_blp = ApiBlueprint("playbooks", __name__, url_prefix="/v1/playbooks",
                             description="Playbooks of close-the-loop cases")
CONFLICT = "CONFLICT"


@playbooks_blp.route("")
class Playbooks(MethodView):
    @require_roles("marketer", "team_lead")
    @playbooks_blp.response(200, PlaybookListSchema)
    def get(self):
        """Every playbook, by touchpoint."""
        return {"items": [playbook_dict(p) for p in list_playbooks(get_session())]}

    @require_roles("marketer")
    @playbooks_blp.arguments(PlaybookWriteSchema)
    @playbooks_blp.response(201, PlaybookSchema)
    @playbooks_blp.alt_response(409, response=CONFLICT)
    def post(self, body):
        """Add a playbook (409 when its touchpoint and segment have one)."""
        return playbook_dict(create_playbook(get_session(), body, actor=current_principal().key_id, now=now()))


@playbooks_blp.route("/<playbook_id>")
class PlaybookItem(MethodView):
    @require_roles("marketer", "team_lead")
    @playbooks_blp.response(200, PlaybookSchema)
    def get(self, playbook_id):
        """One playbook."""
        return playbook_dict(get_playbook(get_session(), playbook_id))

    @require_roles("marketer")
    @playbooks_blp.arguments(PlaybookWriteSchema)
    @playbooks_blp.response(200, PlaybookSchema)
    @playbooks_blp.alt_response(409, response=CONFLICT)
    def put(self, body, playbook_id):
        """Replace a playbook; cases opened before keep the instruction they were given."""
        return playbook_dict(replace_playbook(get_session(), playbook_id, body, actor=current_principal().key_id,
                                              now=now()))

    @require_roles("marketer")
    @playbooks_blp.response(204)
    def delete(self, playbook_id):
        """Delete a playbook; cases keep their copy."""
        delete_playbook(get_session(), playbook_id)
