"""``/v1/cases``: close-the-loop cases. Admins reach every case; team leads the cases in the scope of their
own active low-score subscriptions and those assigned to them (404 for any other, so ids do not leak)."""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.api.access import now
from services.notifier.cases.actions import acknowledge_case, assign_case, note_case, reopen_case, resolve_case
from services.notifier.cases.views import Reach, get_case, list_cases, reach_of
from shared.auth import Role
from shared.contracts.cases import (
    CaseAssignSchema,
    CaseListSchema,
    CaseNoteSchema,
    CaseQueryArgsSchema,
    CaseResolveSchema,
    CaseSchema,
)
from shared.contracts.fields import MAX_ID

cases_blp = ApiBlueprint("cases", __name__, url_prefix="/v1/cases",
                         description="Close-the-loop cases opened by low scores")
CONFLICT = "CONFLICT"


def _reach() -> Reach:
    principal = current_principal()
    return reach_of(get_session(), person=principal.key_id, admin=principal.role == Role.ADMIN.value)


def _actor() -> str:
    return current_principal().key_id


def _id(case_id: int) -> int:
    """Ids beyond the column's range name no case (404, not an overflow)."""
    return case_id if 0 < case_id <= MAX_ID else 0


@cases_blp.route("")
class Cases(MethodView):
    @require_roles("team_lead")
    @cases_blp.arguments(CaseQueryArgsSchema, location="query")
    @cases_blp.response(200, CaseListSchema)
    def get(self, args):
        """A page of the cases the caller may see, newest first (``view``: mine, team, unassigned, overdue,
        all; ``status``: active by default)."""
        return list_cases(get_session(), _reach(), view=args["view"], status=args["status"],
                          customer_id=args["customer_id"], limit=args["limit"], cursor=args["cursor"], now=now())


@cases_blp.route("/<int:case_id>")
class CaseItem(MethodView):
    @require_roles("team_lead")
    @cases_blp.response(200, CaseSchema)
    def get(self, case_id):
        """One case with its answers, playbook, times and history (404 when out of the caller's reach)."""
        return get_case(get_session(), _id(case_id), _reach(), now=now())


@cases_blp.route("/<int:case_id>/acknowledge")
class CaseAcknowledge(MethodView):
    @require_roles("team_lead")
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(409, response=CONFLICT)
    def post(self, case_id):
        """Say someone is on it (an open case only; 409 otherwise)."""
        return acknowledge_case(get_session(), _id(case_id), _reach(), actor=_actor(), now=now())


@cases_blp.route("/<int:case_id>/assign")
class CaseAssign(MethodView):
    @require_roles("team_lead")
    @cases_blp.arguments(CaseAssignSchema)
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(409, response=CONFLICT)
    def post(self, body, case_id):
        """Assign the case to a person, or to nobody with null (not a resolved case: 409)."""
        return assign_case(get_session(), _id(case_id), _reach(), body["assignee"], actor=_actor(), now=now())


@cases_blp.route("/<int:case_id>/notes")
class CaseNotes(MethodView):
    @require_roles("team_lead")
    @cases_blp.arguments(CaseNoteSchema)
    @cases_blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Add a note to the case's history."""
        return note_case(get_session(), _id(case_id), _reach(), body["text"], actor=_actor(), now=now())


@cases_blp.route("/<int:case_id>/resolve")
class CaseResolve(MethodView):
    @require_roles("team_lead")
    @cases_blp.arguments(CaseResolveSchema)
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(409, response=CONFLICT)
    def post(self, body, case_id):
        """Close the case with an outcome (resolved, unreachable, no_action) and an optional note."""
        return resolve_case(get_session(), _id(case_id), _reach(), body["outcome"], body["note"], actor=_actor(),
                            now=now())


@cases_blp.route("/<int:case_id>/reopen")
class CaseReopen(MethodView):
    @require_roles("team_lead")
    @cases_blp.response(200, CaseSchema)
    @cases_blp.alt_response(409, response=CONFLICT)
    def post(self, case_id):
        """Open a resolved case again (409 for a case that is not resolved)."""
        return reopen_case(get_session(), _id(case_id), _reach(), actor=_actor(), now=now())
