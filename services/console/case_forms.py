"""The forms of the case and playbook pages, and who a case or a playbook may be given to.

A form only checks that what a person typed is well formed; notifier decides whether the change is
allowed (role, scope, a conflicting action) and the page puts its answer next to the fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import RadioField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from services.console.case_view import OUTCOME_LABELS
from services.console.forms import ConsoleForm
from services.console.models import User
from services.console.widgets import IntegerField, SelectField, StringField, TextAreaField
from shared.actor import ACTOR_SUBJECT_PREFIX
from shared.contracts.cases import SEGMENT

REQUIRED = _l("Enter this.")
#: The people a case (or a playbook's default) can be given to: they act on cases in the console.
ASSIGNABLE_ROLES = ("team_lead", "admin")
NOTE_MAX = 2000  # as CaseNoteSchema
INSTRUCTION_MAX = 500  # as InstructionSchema
MAX_TARGET_HOURS = 720  # as PlaybookWriteSchema


def person_ref(user: User) -> dict[str, Any]:
    """A console person as notifier stores an assignee: the same id the person acts under (``mine`` works)."""
    return {"id": f"{ACTOR_SUBJECT_PREFIX}{user.id}", "name": user.display_name, "email": user.email,
            "lang": user.language}


def assignable_people(session: Session) -> list[User]:
    """The active team leads and admins, by name."""
    return list(session.scalars(select(User).where(User.role.in_(ASSIGNABLE_ROLES), User.disabled_at.is_(None))
                                .order_by(User.display_name, User.id)))


def names_of(session: Session, principals: list[str]) -> dict[str, str]:
    """Display names of the console people among ``principals`` (``console-user:<id>``), by principal."""
    ids = {int(p[len(ACTOR_SUBJECT_PREFIX):]) for p in principals
           if p.startswith(ACTOR_SUBJECT_PREFIX) and p[len(ACTOR_SUBJECT_PREFIX):].isdigit()}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
    return {f"{ACTOR_SUBJECT_PREFIX}{user_id}": name for user_id, name in rows}


def person_choices(people: list[User], *, blank: str) -> list[tuple[str, str]]:
    """(value, label) pairs of a person select: ``blank`` first (nobody), then each person with their email."""
    return [("", blank)] + [(person_ref(user)["id"], f"{user.display_name} · {user.email}") for user in people]


def chosen_person(people: list[User], value: str | None) -> dict[str, Any] | None:
    """The assignee a select's value names (None for nobody or a value that is no longer a person here)."""
    return next((person_ref(user) for user in people if person_ref(user)["id"] == value), None)


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AssignForm(ConsoleForm):
    """Give the case to a person (or to nobody)."""

    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=True)


class NoteForm(ConsoleForm):
    """What was done ("called the customer, refund issued")."""

    text = TextAreaField(_l("Note"), filters=[_stripped], validators=[DataRequired(REQUIRED), Length(max=NOTE_MAX)])


class ResolveForm(ConsoleForm):
    """Close the case with an outcome and, optionally, a last note."""

    outcome = RadioField(_l("Outcome"), choices=lambda: [(key, str(label)) for key, label in OUTCOME_LABELS.items()],
                         validators=[InputRequired(_l("Choose an outcome."))])
    note = TextAreaField(_l("Note (optional)"), filters=[_stripped], validators=[Optional(), Length(max=NOTE_MAX)])


class PlaybookForm(ConsoleForm):
    """A playbook: where it applies, what to do in both languages, how fast, and who by default."""

    touchpoint = SelectField(_l("Touchpoint"), choices=[], validators=[InputRequired(REQUIRED)])
    segment = StringField(_l("Segment (optional)"), filters=[_stripped], validators=[
        Optional(), Length(max=200),
        Regexp(SEGMENT, message=_l("Write it as attribute:value, for example tier:gold."))])
    instruction_ko = TextAreaField(_l("Instruction in Korean"), filters=[_stripped],
                                   validators=[DataRequired(REQUIRED), Length(max=INSTRUCTION_MAX)])
    instruction_en = TextAreaField(_l("Instruction in English"), filters=[_stripped],
                                   validators=[DataRequired(REQUIRED), Length(max=INSTRUCTION_MAX)])
    target_hours = IntegerField(_l("Target time in hours"), validators=[
        InputRequired(REQUIRED),
        NumberRange(1, MAX_TARGET_HOURS, message=_l("Enter a whole number from 1 to %(max)d.", max=MAX_TARGET_HOURS))])
    default_assignee = SelectField(_l("Default assignee"), choices=[], validate_choice=True)
