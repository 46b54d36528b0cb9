"""Helpers of the console tests: the CSRF token of a page, signing in, people of every role."""

from __future__ import annotations

import re

CONSOLE_KEY = "test-console-key-0123456789"
ACTOR_SECRET = "test-console-actor-secret"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery staple"
PASSWORD = "a long enough password"
ROLES = ("admin", "marketer", "analyst", "finance", "team_lead")
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict, *, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the token of the page it came from."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(html), **data}, **kwargs)


def sign_in(client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, **kwargs):
    """Sign in through /login; returns the reply."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def text_of(reply) -> str:
    """A page's HTML as text."""
    return reply.get_data(as_text=True)
