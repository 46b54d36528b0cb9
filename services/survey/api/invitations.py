"""Invitation routes: why a customer was or was not asked."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey import invitations
from shared.contracts.invitations import InvitationDetailSchema, InvitationQueryArgsSchema, InvitationSchema

blp = ApiBlueprint("invitations", __name__, url_prefix="/v1", description="Invitations and contact decisions")


@blp.route("/invitations")
class Invitations(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(InvitationQueryArgsSchema, location="query")
    @blp.response(200, InvitationSchema(many=True))
    def get(self, args):
        """Invitations by customer, survey, trigger, status, channel, creation time (marketer, analyst)."""
        return invitations.list_invitations(get_session(), **args)


@blp.route("/invitations/<int:invitation_id>")
class InvitationItem(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, InvitationDetailSchema)
    def get(self, invitation_id):
        """One invitation with every decision and its reason (marketer, analyst)."""
        session = get_session()
        invitation = invitations.get_invitation(session, invitation_id)
        detail = {column: getattr(invitation, column) for column in InvitationSchema().fields}
        detail["decisions"] = invitations.decisions_of(session, invitation_id)
        return detail
