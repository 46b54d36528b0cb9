"""Survey and touchpoint routes: design, publish, archive; a managed list of touchpoints."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session, reads_without_transaction
from services.survey import surveys, touchpoints
from services.survey.api.context import now
from shared.contracts.survey_previews import SurveyEditorSchema, SurveyVersionSummarySchema
from shared.contracts.surveys import (
    SurveyCreateSchema,
    SurveyQueryArgsSchema,
    SurveySchema,
    SurveyUpdateSchema,
    SurveyVersionSchema,
    TouchpointCreateSchema,
    TouchpointSchema,
)

blp = ApiBlueprint("surveys", __name__, url_prefix="/v1", description="Survey design and touchpoints")
READERS = ("marketer", "analyst")


@blp.route("/surveys")
class Surveys(MethodView):
    @require_roles(*READERS)
    @blp.arguments(SurveyQueryArgsSchema, location="query")
    @blp.response(200, SurveySchema(many=True))
    def get(self, args):
        """List surveys (marketer, analyst)."""
        return surveys.list_surveys(get_session(), **args)

    @require_roles("marketer")
    @blp.arguments(SurveyCreateSchema)
    @blp.response(201, SurveySchema)
    def post(self, fields):
        """Create a survey as a draft (marketer)."""
        return surveys.create_survey(get_session(), fields=fields, now=now())


@blp.route("/surveys/<int:survey_id>")
class SurveyItem(MethodView):
    @require_roles(*READERS)
    @blp.response(200, SurveySchema)
    def get(self, survey_id):
        """One survey with its draft and live version number (marketer, analyst)."""
        return surveys.get_survey(get_session(), survey_id)

    @require_roles("marketer")
    @blp.arguments(SurveyUpdateSchema)
    @blp.response(200, SurveySchema)
    def patch(self, changes, survey_id):
        """Edit a survey; editing a live survey makes a new draft (marketer)."""
        return surveys.update_survey(get_session(), survey_id=survey_id, changes=changes, now=now())


@blp.route("/surveys/<int:survey_id>/editor")
class SurveyEditor(MethodView):
    @require_roles(*READERS)
    @blp.response(200, SurveyEditorSchema)
    def get(self, survey_id):
        """What a survey builder shows, in one read: the survey, its live version (null if never published),
        its version history and the touchpoints (marketer, analyst)."""
        session = get_session()
        reads_without_transaction(session)
        return surveys.editor_view(session, survey_id)


@blp.route("/surveys/<int:survey_id>/publish")
class SurveyPublish(MethodView):
    @require_roles("marketer")
    @blp.response(201, SurveyVersionSchema)
    def post(self, survey_id):
        """Publish the draft as a new immutable version (marketer)."""
        return surveys.publish_survey(get_session(), survey_id=survey_id, now=now())


@blp.route("/surveys/<int:survey_id>/archive")
class SurveyArchive(MethodView):
    @require_roles("marketer")
    @blp.response(200, SurveySchema)
    def post(self, survey_id):
        """Archive a survey: its triggers stop (marketer)."""
        return surveys.archive_survey(get_session(), survey_id=survey_id, now=now())


@blp.route("/surveys/<int:survey_id>/versions")
class SurveyVersions(MethodView):
    @require_roles(*READERS)
    @blp.response(200, SurveyVersionSummarySchema(many=True))
    def get(self, survey_id):
        """The version history: every published version, newest first (marketer, analyst)."""
        return surveys.list_versions(get_session(), survey_id)


@blp.route("/surveys/<int:survey_id>/versions/live")
class SurveyLiveVersion(MethodView):
    @require_roles(*READERS)
    @blp.response(200, SurveyVersionSchema)
    def get(self, survey_id):
        """The live version, the one customers get now; 404 if the survey was never published (marketer,
        analyst). Lets a reader ask for it together with the survey instead of after it."""
        return surveys.get_live_version(get_session(), survey_id=survey_id)


@blp.route("/surveys/<int:survey_id>/versions/<int:version>")
class SurveyVersionItem(MethodView):
    @require_roles(*READERS)
    @blp.response(200, SurveyVersionSchema)
    def get(self, survey_id, version):
        """One published version (marketer, analyst)."""
        return surveys.get_version(get_session(), survey_id=survey_id, version=version)


@blp.route("/touchpoints")
class Touchpoints(MethodView):
    @require_roles(*READERS)
    @blp.response(200, TouchpointSchema(many=True))
    def get(self):
        """The journey touchpoints surveys are tagged with (marketer, analyst)."""
        return touchpoints.list_touchpoints(get_session())

    @require_roles("marketer")
    @blp.arguments(TouchpointCreateSchema)
    @blp.response(201, TouchpointSchema)
    def post(self, fields):
        """Add a touchpoint (marketer)."""
        return touchpoints.create_touchpoint(get_session(), **fields, now=now())


@blp.route("/touchpoints/<string:key>")
class TouchpointItem(MethodView):
    @require_roles(*READERS)
    @blp.response(200, TouchpointSchema)
    def get(self, key):
        """One touchpoint (marketer, analyst)."""
        return touchpoints.get_touchpoint(get_session(), key)

    @require_roles("marketer")
    @blp.response(204)
    def delete(self, key):
        """Remove a touchpoint no survey uses (marketer)."""
        touchpoints.delete_touchpoint(get_session(), key=key)
