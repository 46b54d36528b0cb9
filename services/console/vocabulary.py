"""Words the pages show for stored values (roles, languages), defined once and translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from services.console.models import LANGUAGES, ROLES
from shared.auth import ROLE_NAMES

ROLE_LABELS = {
    "admin": _l("Admin"),
    "marketer": _l("Marketer"),
    "analyst": _l("Analyst"),
    "finance": _l("Finance"),
    "team_lead": _l("Team lead"),
    "ingest": _l("Event ingestion"),
    "service": _l("Service (between services)"),
    "console": _l("Console (acts for people)"),
}
# Each language is named in itself, so a person can find theirs whatever the page's language.
LANGUAGE_LABELS = {"ko": "한국어", "en": "English"}

# Audit actions (``<thing>.<verb in the past>``, see ``audit.record_change``) as people read them.
AUDIT_ACTION_LABELS = {
    "user.signed_in": _l("Signed in"),
    "user.signed_out": _l("Signed out"),
    "user.created": _l("Person added"),
    "user.updated": _l("Person changed"),
    "user.disabled": _l("Person disabled"),
    "user.enabled": _l("Person enabled again"),
    "user.password_changed": _l("Password changed"),
    "key.created": _l("API key created"),
    "key.revoked": _l("API key revoked"),
    "survey.created": _l("Survey created"),
    "survey.changed": _l("Survey draft changed"),
    "survey.published": _l("Survey published"),
    "trigger.created": _l("Trigger created"),
    "trigger.updated": _l("Trigger changed"),
    "contact_budget.changed": _l("Contact budget changed"),
    "contact_budget.reset": _l("Contact budget back to configuration"),
    "brand.changed": _l("Brand changed"),
    "brand.logo_removed": _l("Logo removed"),
    "response.triaged": _l("Response status or tags changed"),
    "response.excluded": _l("Response excluded as test"),
    "response.included": _l("Response counted again"),
    "response.noted": _l("Note added to a response"),
    "case.acknowledged": _l("Case acknowledged"),
    "case.assigned": _l("Case assigned"),
    "case.noted": _l("Note added to a case"),
    "case.resolved": _l("Case resolved"),
    "case.reopened": _l("Case reopened"),
    "playbook.created": _l("Playbook created"),
    "playbook.updated": _l("Playbook changed"),
    "playbook.deleted": _l("Playbook deleted"),
    "alert.created": _l("Alert created"),
    "alert.updated": _l("Alert changed"),
    "alert.muted": _l("Alert muted"),
    "alert.unmuted": _l("Alert unmuted"),
}

assert set(ROLES) <= set(ROLE_LABELS) and set(ROLE_NAMES) <= set(ROLE_LABELS)
assert set(LANGUAGES) == set(LANGUAGE_LABELS)


def role_choices(roles=ROLES) -> list[tuple[str, str]]:
    """(value, label) pairs for a role select."""
    return [(role, str(ROLE_LABELS[role])) for role in roles]


def language_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a language select."""
    return [(language, LANGUAGE_LABELS[language]) for language in LANGUAGES]


def audit_action_label(action: str) -> str:
    """What an audit action means, in the page's language (the code itself when it is not known)."""
    label = AUDIT_ACTION_LABELS.get(action)
    return str(label) if label is not None else action
