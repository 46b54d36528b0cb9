"""The menu of every page (``navigation.site_nav``): drawn once per role, language, path prefix and
section and kept, so a kept menu must still be the right one for whoever asks next."""

from __future__ import annotations

import re

from flask_babel import force_locale

from services.console import navigation
from services.console.navigation import items_for
from tests.console.support import PASSWORD, ROLES, sign_in, text_of

_LINK = re.compile(r'<a class="site-nav__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def _menu(reply) -> list[tuple[str, bool, str]]:
    html = text_of(reply)
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    return [(href, bool(current), label) for href, current, label in _LINK.findall(nav)]


def _labels(app, role: str, language: str) -> list[str]:
    with app.test_request_context("/"), force_locale(language):
        return [str(item.label) for item in items_for(role)]


def _signed_in(stack, email: str):
    client = stack.client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def test_each_role_and_language_gets_its_own_menu_with_the_current_page_marked(console):
    seen = {}
    for language in ("en", "ko"):
        for role in ROLES:
            email = console.person(role, f"{role}-{language}@example.com", language=language)
            menu = _menu(_signed_in(console, email).get("/settings/preferences"))
            assert [label for _, _, label in menu] == _labels(console.app, role, language)
            assert [href for href, current, _ in menu if current] == ["/settings/preferences"]
            seen[(role, language)] = menu
    assert len({tuple(menu) for menu in seen.values()}) == len(seen)  # ten menus, no two alike
    assert seen[("marketer", "en")] != seen[("marketer", "ko")]


def test_the_mark_follows_the_page_and_a_kept_menu_is_not_shown_for_another_section(console):
    client = _signed_in(console, "marketer@example.com")
    for path, marked in (("/surveys", "/surveys"), ("/triggers", "/triggers"), ("/surveys/new", "/surveys"),
                         ("/settings/preferences/password", "/settings/preferences"), ("/triggers/new", "/triggers")):
        current = [href for href, is_current, _ in _menu(client.get(path)) if is_current]
        assert current == [marked], path


def test_a_person_who_changes_language_sees_the_menu_in_it(console):
    client = _signed_in(console, "analyst@example.com")
    english = [label for _, _, label in _menu(client.get("/surveys"))]
    with console.app.app_context():
        from services.common.db import get_session
        from services.console.models import User
        session = get_session()
        session.query(User).filter_by(email="analyst@example.com").update({"language": "ko"})
        session.commit()
    korean = [label for _, _, label in _menu(client.get("/surveys"))]
    assert english == _labels(console.app, "analyst", "en")
    assert korean == _labels(console.app, "analyst", "ko") != english


def test_the_kept_menus_are_bounded(console, monkeypatch):
    monkeypatch.setattr(navigation, "NAV_CACHE_SIZE", 3)
    app = console.app
    with app.app_context():
        for prefix in ("/a", "/b", "/c", "/d", "/e"):
            with app.test_request_context("/surveys", base_url=f"http://localhost{prefix}"), force_locale("en"):
                app.preprocess_request()
                menu = navigation.site_nav("admin")
                assert f'href="{prefix}/surveys"' in menu  # links carry this request's prefix
            assert len(app.extensions["console_site_nav"]) <= 3
