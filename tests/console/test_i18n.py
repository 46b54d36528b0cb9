"""Korean and English: every text of the console is in the Korean catalogue, and the catalogue is used."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import services.console
from tests.console.support import PASSWORD, sign_in, text_of

CONSOLE = Path(services.console.__file__).resolve().parent
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(CONSOLE), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_has_a_korean_translation_and_none_is_stale():
    with (CONSOLE / "translations" / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="ko")
    translated = {message.id if isinstance(message.id, str) else message.id[0]: message.string
                  for message in catalogue if message.id}
    extracted = _extracted()
    assert extracted - set(translated) == set(), "run `make console-messages` and translate the new texts"
    assert [text for text, korean in translated.items() if not korean] == []
    assert set(translated) - extracted == set(), "texts no longer used: run `make console-messages`"


def test_pages_follow_the_persons_language_and_time_zone(console):
    http = console.client()
    email = console.person("team_lead", "jiwoo@example.com", language="ko", time_zone="Asia/Seoul")
    sign_in(http, email, PASSWORD)
    page = text_of(http.get("/"))
    assert '<html lang="ko">' in page and "개요" in page and "Asia/Seoul" in page
    english = console.client()
    assert "Sign in to cxloop" in text_of(english.get("/login?lang=en"))
    assert "cxloop 로그인" in text_of(english.get("/login?lang=ko"))
