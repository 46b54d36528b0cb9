"""Korean and English (Flask-Babel): the person's language and time zone, catalogues read from .po files.

The catalogues are kept as text (``translations/<lang>/LC_MESSAGES/messages.po``) and compiled in
memory when a process first needs a language, so no build step and no binary file is involved.
Update them after changing texts with ``make console-messages`` (extract + update).
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request
from flask_babel import (
    Babel,
    Domain,
    _get_current_context,  # noqa: PLC2701 - where Flask-Babel keeps its per-request state
    format_datetime,
    get_locale,
)
from flask_login import current_user
from wtforms.i18n import messages_path

from services.console.models import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
_CATALOGUES: dict[str, support.Translations | support.NullTranslations] = {}


def catalogue(language: str) -> support.Translations | support.NullTranslations:
    """The compiled catalogue of ``language`` (English is the source language: no catalogue)."""
    if language not in _CATALOGUES:  # asked once per text shown: the answer is kept, even "none"
        path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if not path.is_file():
            _CATALOGUES[language] = support.NullTranslations()
            return _CATALOGUES[language]
        with path.open("rb") as handle:
            parsed = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, parsed)
        buffer.seek(0)
        _CATALOGUES[language] = support.Translations(fp=buffer)
    return _CATALOGUES[language]


_FORM_CATALOGUES: dict[str, support.Translations | support.NullTranslations] = {}


def form_messages(language: str) -> support.Translations | support.NullTranslations:
    """WTForms' own messages ("Not a valid integer value.") in ``language``, as WTForms ships them,
    read once per process (Flask-WTF would read the file again on every request)."""
    if language not in _FORM_CATALOGUES:
        _FORM_CATALOGUES[language] = support.Translations.load(messages_path(), [language], domain="wtforms")
    return _FORM_CATALOGUES[language]


class PoDomain(Domain):
    """Flask-Babel's domain, reading the .po catalogues above.

    A page looks up a hundred texts or more; the catalogue is found once per request and kept where
    Flask-Babel keeps its own (``babel_translations`` of its request context), which ``refresh()`` and
    ``force_locale()`` clear, so a changed language is still honoured at once.
    """

    def get_translations(self):
        try:
            state = g._get_current_object()  # one lookup of the request's state, not three per text
        except RuntimeError:  # outside a request or app context
            return catalogue("en")
        found = getattr(getattr(state, "_flask_babel", None), "babel_translations", None)
        if found is None:
            found = _get_current_context().babel_translations = catalogue(str(get_locale() or "en"))
        return found


class ConsoleBabel(Babel):
    """Flask-Babel with the .po domain."""

    @property
    def domain_instance(self):  # type: ignore[override]
        return _DOMAIN


_DOMAIN = PoDomain()


def select_language() -> str:
    """The signed-in person's language; else a ``lang`` choice on the sign-in page; else the browser's."""
    if current_user and current_user.is_authenticated:
        return current_user.language
    chosen = request.args.get("lang") or request.form.get("lang") or request.cookies.get("cx_lang")
    if chosen in LANGUAGES:
        return chosen
    from flask import current_app
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LANGUAGE"]


def select_time_zone() -> str:
    """The signed-in person's time zone, else the console's default."""
    from flask import current_app
    if current_user and current_user.is_authenticated:
        return current_user.time_zone
    return current_app.config["DEFAULT_TIME_ZONE"]


def init_i18n(app: Flask) -> None:
    """Register Flask-Babel and the template helpers for dates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DEFAULT_TIME_ZONE"])
    ConsoleBabel(app, locale_selector=select_language, timezone_selector=select_time_zone)
    # Templates ask the catalogue straight from the domain (Flask-Babel's own callables look the domain
    # up again for each text); the same catalogue, the same newstyle formatting.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: _DOMAIN.get_translations().ugettext(text),
        ngettext=lambda singular, plural, n: _DOMAIN.get_translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: _DOMAIN.get_translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: _DOMAIN.get_translations().unpgettext(
            context, singular, plural, n),
        newstyle=True)

    @app.template_filter("when")
    def _when(value, style: str = "medium") -> str:
        """A UTC datetime shown in the person's time zone and language (empty for None)."""
        return format_datetime(value, style) if value else ""

    @app.context_processor
    def _language() -> dict:
        return {"current_language": str(get_locale() or "en")}
