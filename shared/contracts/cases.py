"""Close-the-loop cases and playbooks on notifier (``/v1/cases``, ``/v1/playbooks``).

A low-score signal opens one case per response; a person acknowledges, assigns, notes and resolves it.
A playbook says what to do for a touchpoint (and optionally a customer segment), how soon, and who
takes it by default. The words (statuses, outcomes, views, history kinds) are defined here, once.
"""

from __future__ import annotations

import re
from enum import StrEnum

from marshmallow import ValidationError, fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import SingleLine, TimeZoneName
from shared.statuses import CaseStatus, values


class CaseOutcome(StrEnum):
    """How a case was closed: the customer's problem handled, the customer not reached, nothing to do."""

    RESOLVED = "resolved"
    UNREACHABLE = "unreachable"
    NO_ACTION = "no_action"


class CaseView(StrEnum):
    """The lists of ``/cases``: assigned to me, every case I may see, nobody's yet, past the target time."""

    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    OVERDUE = "overdue"
    ALL = "all"


class CaseEventKind(StrEnum):
    """What happened to a case (its history)."""

    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    NOTED = "noted"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    REMINDED = "reminded"


#: The status filter of the list: one status, or ``active`` (open and acknowledged).
CASE_STATUS_FILTERS = (*values(CaseStatus), "active")
#: The actor of what notifier does by itself (opening, reminders, corrections of the score).
SYSTEM_ACTOR = "system"
MAX_CASE_PAGE = 200
SEGMENT = re.compile(r"^[A-Za-z0-9_\-]{1,64}:.{1,200}$")  # as the subscriptions' segment filters


def _check_segment(text: str) -> None:
    if not SEGMENT.match(text):
        raise ValidationError("a segment looks like attribute:value, e.g. region:Seoul")


class PersonSchema(StrictSchema):
    """A person a case is assigned to: ``id`` is their principal (``console-user:7`` for a console person,
    else an API key id); ``mine`` compares it with the caller's."""

    id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    lang = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["ko", "en"]),
                         metadata={"description": "the language of the overdue reminder (default en)"})
    time_zone = TimeZoneName(load_default=None, allow_none=True, validate=validate.Length(max=64),
                             metadata={"description": "IANA zone of the times in the reminder (default UTC)"})


class InstructionSchema(StrictSchema):
    """What to do, in Korean and English (both required)."""

    ko = fields.String(required=True, validate=validate.Length(min=1, max=500))
    en = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PlaybookWriteSchema(StrictSchema):
    """``POST /v1/playbooks`` and ``PUT /v1/playbooks/{id}``: one playbook per (touchpoint, segment)."""

    touchpoint = fields.String(required=True, validate=validate.Length(min=1, max=64))
    segment = fields.String(load_default=None, allow_none=True, validate=_check_segment,
                            metadata={"description": "attribute:value of the customer's attributes; null: "
                                                     "every customer of the touchpoint"})
    instruction = fields.Nested(InstructionSchema, required=True)
    target_hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, 720),
                                  metadata={"description": "a case is overdue this long after it opened"})
    default_assignee = fields.Nested(PersonSchema, load_default=None, allow_none=True)


class PlaybookSchema(ReplySchema):
    """A playbook as the API returns it (and as a case carries a copy of it)."""

    id = fields.String(required=True)
    touchpoint = fields.String(required=True)
    segment = fields.String(allow_none=True)
    instruction = fields.Nested(InstructionSchema(unknown="exclude"), required=True)
    target_hours = fields.Integer(required=True)
    default_assignee = fields.Nested(PersonSchema(unknown="exclude"), allow_none=True)
    created_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)


class PlaybookListSchema(ReplySchema):
    items = fields.List(fields.Nested(PlaybookSchema), required=True)


class CaseQueryArgsSchema(StrictSchema):
    """``GET /v1/cases``: a view, a status, one customer's cases; newest first, a page at a time."""

    view = fields.String(load_default=CaseView.TEAM.value, validate=validate.OneOf(values(CaseView)))
    status = fields.String(load_default="active", validate=validate.OneOf(CASE_STATUS_FILTERS),
                           metadata={"description": "active: open and acknowledged"})
    customer_id = fields.String(load_default=None, validate=validate.Length(min=1, max=128))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_CASE_PAGE))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200),
                           metadata={"description": "``next_cursor`` of the previous page"})


class CaseAnswerSchema(ReplySchema):
    """One answer as a person reads it: the question's text and the answer's label, from the signal."""

    question_key = fields.String(required=True)
    question = fields.String(allow_none=True, metadata={"description": "the question's text"})
    type = fields.String(allow_none=True)
    value = fields.Integer(allow_none=True)
    scale_max = fields.Integer(allow_none=True)
    value_label = fields.String(allow_none=True, metadata={"description": "the chosen labels, the score "
                                                                          "with its scale, or the text"})
    choices = fields.List(fields.String(), load_default=list)
    text = fields.String(allow_none=True)


class CaseEventSchema(ReplySchema):
    """One entry of a case's history."""

    at = fields.AwareDateTime(required=True)
    actor = fields.String(required=True, metadata={"description": "the person's principal, or system"})
    kind = fields.String(required=True, validate=validate.OneOf(values(CaseEventKind)))
    text = fields.String(allow_none=True)
    assignee = fields.Nested(PersonSchema(unknown="exclude"), allow_none=True)
    outcome = fields.String(allow_none=True)


class CasePlaybookSchema(PlaybookSchema):
    """The playbook copied into a case when it opened (its instruction at that time)."""


class CaseSchema(ReplySchema):
    """A case: the low score behind it, where it stands, its times and its history."""

    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(values(CaseStatus)))
    outcome = fields.String(allow_none=True, validate=validate.OneOf(values(CaseOutcome)))
    response_id = fields.String(required=True)
    survey_id = fields.String(required=True)
    survey_title = fields.String(allow_none=True)
    touchpoint = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    metric = fields.String(required=True)
    score = fields.Integer(required=True)
    comment = fields.String(allow_none=True)
    answers = fields.List(fields.Nested(CaseAnswerSchema), required=True)
    lang = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(required=True)
    opened_at = fields.AwareDateTime(required=True)
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    first_action_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    due_at = fields.AwareDateTime(required=True)
    reminded_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean(required=True)
    age_seconds = fields.Integer(required=True, metadata={"description": "from opening to now (to resolution "
                                                                         "once resolved)"})
    time_to_first_action_seconds = fields.Integer(allow_none=True)
    assignee = fields.Nested(PersonSchema(unknown="exclude"), allow_none=True)
    playbook = fields.Nested(CasePlaybookSchema, allow_none=True)
    history = fields.List(fields.Nested(CaseEventSchema), required=True)


class CaseListSchema(ReplySchema):
    """A page of cases, newest first; pass ``next_cursor`` as ``cursor`` for the next (null at the end)."""

    items = fields.List(fields.Nested(CaseSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class CaseAssignSchema(StrictSchema):
    """``POST /v1/cases/{id}/assign``: the person, or null to unassign."""

    assignee = fields.Nested(PersonSchema, required=True, allow_none=True)


class CaseNoteSchema(StrictSchema):
    """``POST /v1/cases/{id}/notes``."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CaseResolveSchema(StrictSchema):
    """``POST /v1/cases/{id}/resolve``: the outcome and an optional note."""

    outcome = fields.String(required=True, validate=validate.OneOf(values(CaseOutcome)))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=2000))
