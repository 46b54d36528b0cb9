"""Funnel route: how far a survey's invitations got (for the console's survey summary)."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.dropoff import survey_dropoff
from services.survey.funnel import survey_funnel
from shared.contracts.funnel import DropoffSchema, FunnelQueryArgsSchema, FunnelSchema

blp = ApiBlueprint("funnel", __name__, url_prefix="/v1/surveys", description="Response funnels")


@blp.route("/<int:survey_id>/funnel")
class Funnel(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(FunnelQueryArgsSchema, location="query")
    @blp.response(200, FunnelSchema)
    def get(self, args, survey_id):
        """Of the invitations sent in [from, to): opened, started (one answer or more), completed, and the
        median seconds from opening to submitting; imported responses of the range counted apart
        (marketer, analyst)."""
        return survey_funnel(get_session(), survey_id, start=args["from_"], end=args["to"])


@blp.route("/<int:survey_id>/dropoff")
class Dropoff(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(FunnelQueryArgsSchema, location="query")
    @blp.response(200, DropoffSchema)
    def get(self, args, survey_id):
        """Of the responses opened in [from, to), per question of the live version: how many reached it,
        answered it, and left the survey there; responses excluded as test left out (marketer, analyst)."""
        return survey_dropoff(get_session(), survey_id, start=args["from_"], end=args["to"])
