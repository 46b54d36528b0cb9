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

assert set(ROLES) <= set(ROLE_LABELS) and set(ROLE_NAMES) <= set(ROLE_LABELS)
assert set(LANGUAGES) == set(LANGUAGE_LABELS)


def role_choices(roles=ROLES) -> list[tuple[str, str]]:
    """(value, label) pairs for a role select."""
    return [(role, str(ROLE_LABELS[role])) for role in roles]


def language_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a language select."""
    return [(language, LANGUAGE_LABELS[language]) for language in LANGUAGES]
