"""Survey design contracts: touchpoints, surveys with ordered multilingual questions, versions."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.brand import SENDER_NAME
from shared.contracts.fields import LANGUAGE, Offset, SingleLine
from shared.contracts.triggers import ConditionSchema
from shared.question_types import DIMENSIONS, DRIVERS, QUESTION_TYPES, REGISTRY
from shared.statuses import SurveyStatus, values

UNKNOWN_TYPE = "unknown question type {input!r}; use one of: {choices}"
SURVEY_STATUSES = values(SurveyStatus)
KEY = validate.Regexp(r"^[a-z0-9][a-z0-9_.-]{0,49}$", error="lowercase letters, digits, '_', '.', '-'")
HTTPS_URL = validate.Regexp(r"^https://[^\s/@]+(/\S*)?$", error="an https:// URL without credentials")


def _texts(*, single_line: bool = False, **kwargs) -> fields.Dict:
    """Translations: language code -> text (one line each for titles, which become email subjects)."""
    text = SingleLine if single_line else fields.String
    return fields.Dict(keys=fields.String(validate=LANGUAGE),
                       values=text(validate=validate.Length(min=1, max=2000)), **kwargs)


class TouchpointCreateSchema(StrictSchema):
    """A new journey stage / touchpoint."""

    key = fields.String(required=True, validate=KEY)
    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class TouchpointSchema(ReplySchema):
    """A touchpoint as stored."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class ChoiceSchema(StrictSchema):
    """One choice of a single/multi choice question."""

    key = fields.String(required=True, validate=KEY)
    label = _texts(required=True, validate=validate.Length(min=1))


class ShowIfSchema(ConditionSchema):
    """Skip logic: one condition on the answer to an earlier question, with the operators of trigger
    conditions (``eq``, ``lte``, ``in``, ``contains``, ``exists``, ...)."""

    class Meta(ConditionSchema.Meta):
        exclude = ("field",)

    question = fields.String(required=True, validate=KEY,
                             metadata={"description": "the key of an earlier question"})


class QuestionSchema(StrictSchema):
    """One question of a survey, in one or more languages."""

    key = fields.String(required=True, validate=KEY)
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES, error=UNKNOWN_TYPE))
    text = _texts(required=True, validate=validate.Length(min=1))
    required = fields.Boolean(load_default=False)
    scale_max = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=2, max=10),
                               metadata={"description": "the top of an adjustable scale: number of stars of a "
                                                        "rating question (default 5)"})
    choices = fields.List(fields.Nested(ChoiceSchema), load_default=None, allow_none=True,
                          validate=validate.Length(min=2, max=50))
    dimension = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DIMENSIONS))
    driver = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DRIVERS))
    show_if = fields.List(fields.Nested(ShowIfSchema), load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=10),
                          metadata={"description": "show the question only when every condition on earlier "
                                                   "answers holds (an unanswered question meets only "
                                                   "'exists: false'); a hidden question is never required"})

    @validates_schema
    def _choices_match_type(self, data, **_kwargs):
        has_choices, kind = bool(data.get("choices")), REGISTRY[data["type"]]
        if kind.has_choices and not has_choices:
            raise ValidationError("choice questions need at least two choices", "choices")
        if not kind.has_choices and has_choices:
            raise ValidationError("only choice questions have choices", "choices")
        if data.get("scale_max") is not None and not kind.adjustable:
            raise ValidationError("only rating questions have scale_max", "scale_max")


class SurveyCreateSchema(StrictSchema):
    """A new survey (a draft)."""

    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    touchpoint = fields.String(required=True, validate=KEY)
    default_language = fields.String(required=True, validate=LANGUAGE)
    fallback_languages = fields.List(fields.String(validate=LANGUAGE), load_default=list,
                                     metadata={"description": "languages tried, in order, when the customer's is missing"})
    recontact_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=3650),
                                    metadata={"description": "do not ask one customer this survey again within N days"})
    title = _texts(single_line=True, required=True, validate=validate.Length(min=1))
    intro = _texts(load_default=dict)
    questions = fields.List(fields.Nested(QuestionSchema), required=True,
                            validate=validate.Length(min=1, max=100))
    sender_name = SingleLine(load_default=None, allow_none=True, validate=SENDER_NAME,
                             metadata={"description": "the From name of this survey's emails, over the brand's"})
    thank_you = _texts(load_default=dict, metadata={"description": "the thank-you page's text per language"})
    redirect_url = fields.String(load_default=None, allow_none=True,
                                 validate=[validate.Length(max=2000), HTTPS_URL],
                                 metadata={"description": "where the thank-you page sends the customer after a "
                                                          "few seconds (https, public addresses only)"})


class SurveyUpdateSchema(SurveyCreateSchema):
    """Changes to a survey; any field may be left out. Editing a live survey makes a new draft."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class SurveyQueryArgsSchema(StrictSchema):
    """Filters of the survey listing."""

    status = fields.String(validate=validate.OneOf(SURVEY_STATUSES))
    touchpoint = fields.String(validate=KEY)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = Offset()


class ChoiceReplySchema(ReplySchema):
    key = fields.String(required=True)
    label = fields.Dict(keys=fields.String(), values=fields.String())


class QuestionReplySchema(ReplySchema):
    key = fields.String(required=True)
    type = fields.String(required=True)
    text = fields.Dict(keys=fields.String(), values=fields.String())
    required = fields.Boolean()
    scale_max = fields.Integer(allow_none=True)
    choices = fields.List(fields.Nested(ChoiceReplySchema), allow_none=True)
    dimension = fields.String(allow_none=True)
    driver = fields.String(allow_none=True)
    show_if = fields.List(fields.Dict(), allow_none=True)


class SurveyDefinitionSchema(ReplySchema):
    """The content of a survey: what a version freezes."""

    touchpoint = fields.String(required=True)
    default_language = fields.String(required=True)
    fallback_languages = fields.List(fields.String())
    title = fields.Dict(keys=fields.String(), values=fields.String())
    intro = fields.Dict(keys=fields.String(), values=fields.String())
    questions = fields.List(fields.Nested(QuestionReplySchema))
    sender_name = fields.String(allow_none=True)
    thank_you = fields.Dict(keys=fields.String(), values=fields.String())
    redirect_url = fields.String(allow_none=True)


class SurveySchema(ReplySchema):
    """A survey: its live (published) version number and its draft, if any."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    touchpoint = fields.String(required=True)
    recontact_days = fields.Integer(required=True)
    live_version = fields.Integer(allow_none=True)
    draft = fields.Nested(SurveyDefinitionSchema, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SurveyVersionSchema(ReplySchema):
    """An immutable published version."""

    survey_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    definition = fields.Nested(SurveyDefinitionSchema, required=True)
    published_at = fields.DateTime(required=True)
