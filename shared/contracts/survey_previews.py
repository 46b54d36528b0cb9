"""Survey preview links and the version history: what the survey designer's screens ask for."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.surveys import SurveySchema, SurveyVersionSchema, TouchpointSchema


class PreviewLinkArgsSchema(StrictSchema):
    """``GET /v1/surveys/{id}/preview-link``: which content, and which page may frame the preview."""

    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                             metadata={"description": "a published version; left out: the current draft "
                                                      "(else the live version), read each time the link opens"})
    frame_ancestor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                                   metadata={"description": "an origin (scheme://host[:port]) allowed to show "
                                                            "the preview in a frame, e.g. the console's"})


class PreviewLinkSchema(ReplySchema):
    """A signed, short-lived link to the real response page showing a draft or a version; it records nothing."""

    url = fields.String(required=True, metadata={"description": "absolute; add ?lang=ko|en to choose the language"})
    survey_id = fields.Integer(required=True)
    version = fields.Integer(allow_none=True)
    expires_at = fields.DateTime(required=True)


class SurveyVersionSummarySchema(ReplySchema):
    """One entry of a survey's version history (newest first)."""

    survey_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    touchpoint = fields.String(required=True)
    published_at = fields.DateTime(required=True)
    question_count = fields.Integer(required=True)


class SurveyEditorSchema(ReplySchema):
    """``GET /v1/surveys/{id}/editor``: what a survey builder shows, in one read. Each part is what its own
    endpoint answers: the survey (``GET /v1/surveys/{id}``), its live version (``.../versions/live``), its
    history (``.../versions``) and the touchpoints (``GET /v1/touchpoints``)."""

    survey = fields.Nested(SurveySchema, required=True)
    live = fields.Nested(SurveyVersionSchema, required=True, allow_none=True,
                         metadata={"description": "the version customers get now; null if never published"})
    versions = fields.List(fields.Nested(SurveyVersionSummarySchema), required=True,
                           metadata={"description": "every published version, newest first"})
    touchpoints = fields.List(fields.Nested(TouchpointSchema), required=True)
