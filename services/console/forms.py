"""The console's forms (Flask-WTF: every form carries the CSRF token; validators give per-field errors).

A form only checks what a person typed is well formed; the rules live in use cases and services,
whose errors the page puts back on the fields (``pages.support.apply_errors``).
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional

from services.console.i18n import form_messages
from services.console.passwords import MIN_PASSWORD_LENGTH
from services.console.people import time_zones
from services.console.vocabulary import language_choices, role_choices
from services.console.widgets import IntegerField, PasswordField, SelectField, StringField
from shared.auth import ROLE_NAMES
from shared.contracts.triggers import MAX_BUDGET_CONTACTS, MAX_BUDGET_DAYS

REQUIRED = _l("Enter this.")
CHOOSE_ROLE = _l("Choose a role")


class ConsoleForm(FlaskForm):
    """Every console form: Flask-WTF's (CSRF token, request data), with WTForms' own messages in the
    person's language from a catalogue kept per process."""

    class Meta:
        def get_translations(self, form):  # noqa: ARG002 - WTForms' signature
            return form_messages(str(get_locale() or "en"))


def _zones() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in time_zones()]


class SignInForm(ConsoleForm):
    """``/login``."""

    email = EmailField(_l("Email"), validators=[InputRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])
    next = HiddenField()


class ProfileFields(ConsoleForm):
    """Language and time zone, shared by several forms."""

    language = SelectField(_l("Language"), choices=language_choices, validators=[InputRequired(REQUIRED)])
    time_zone = SelectField(_l("Time zone"), choices=_zones, validators=[InputRequired(REQUIRED)])


class PreferencesForm(ProfileFields):
    """A person's own language and time zone."""


class PasswordChangeForm(ConsoleForm):
    """A person changes their own password."""

    current_password = PasswordField(_l("Current password"), validators=[InputRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[
        InputRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))])
    confirm_password = PasswordField(_l("New password again"), validators=[
        InputRequired(REQUIRED), EqualTo("new_password", message=_l("The two new passwords differ."))])


class UserEditForm(ProfileFields):
    """An admin changes a person."""

    display_name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Role"), choices=lambda: [("", str(CHOOSE_ROLE)), *role_choices()],
                       validators=[InputRequired(REQUIRED)])


class UserCreateForm(UserEditForm):
    """An admin adds a person."""

    email = EmailField(_l("Email"), validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("First password"), validators=[
        InputRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))])


class KeyCreateForm(ConsoleForm):
    """An admin creates an API key."""

    # No role is preselected: an admin key must be a choice, never a default.
    role = SelectField(_l("Role"), choices=lambda: [("", str(CHOOSE_ROLE)), *role_choices(ROLE_NAMES)],
                       validators=[InputRequired(REQUIRED)])
    subject = StringField(_l("Held by"), validators=[InputRequired(REQUIRED), Length(max=200)])


class ActionForm(ConsoleForm):
    """A button that changes something (disable, revoke, sign out): only the CSRF token."""


class ContactBudgetForm(ConsoleForm):
    """An admin sets the contact budget (the survey service checks the same bounds)."""

    budget_max_contacts = IntegerField(_l("At most this many surveys per customer"), validators=[
        InputRequired(REQUIRED), NumberRange(1, MAX_BUDGET_CONTACTS,
                                             message=_l("Enter a whole number from 1 to %(max)d.", max=MAX_BUDGET_CONTACTS))])
    budget_days = IntegerField(_l("In any period of this many days"), validators=[
        InputRequired(REQUIRED), NumberRange(1, MAX_BUDGET_DAYS,
                                             message=_l("Enter a whole number from 1 to %(max)d.", max=MAX_BUDGET_DAYS))])


class BrandForm(ConsoleForm):
    """An admin sets the organisation's brand (the survey service checks the colour's contrast and the logo)."""

    name = StringField(_l("Organisation name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    primary_color = StringField(_l("Primary colour"), validators=[InputRequired(REQUIRED), Length(max=7)])
    sender_name = StringField(_l("Sender name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    sender_address = EmailField(_l("Sender address"), validators=[InputRequired(REQUIRED), Length(max=254)])
    reply_to = EmailField(_l("Reply-to address"), validators=[Optional(), Length(max=254)])
    footer_ko = StringField(_l("Footer line in Korean"), validators=[Optional(), Length(max=300)])
    footer_en = StringField(_l("Footer line in English"), validators=[Optional(), Length(max=300)])
    logo = FileField(_l("Logo"))
