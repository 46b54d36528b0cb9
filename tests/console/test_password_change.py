"""A person changes their own password at /settings/preferences/password (SQLite and PostgreSQL):
the current one is checked (and counts against the sign-in limits), other sessions end, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.console.models import AuditEntry
from tests.console.support import PASSWORD, post_form, sign_in, text_of

NEW = "a brand new long password"
PAGE = "/settings/preferences/password"


def _change(http, current: str, new: str = NEW, confirm: str | None = None):
    return post_form(http, PAGE, {"current_password": current, "new_password": new,
                                  "confirm_password": new if confirm is None else confirm})


def test_a_person_changes_their_password_and_their_other_sessions_end(console):
    here, elsewhere = console.client(), console.client()
    sign_in(here, "analyst@example.com", PASSWORD)
    sign_in(elsewhere, "analyst@example.com", PASSWORD)
    assert elsewhere.get("/").status_code == 200
    reply = _change(here, PASSWORD)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/settings/preferences")
    assert here.get("/").status_code == 200  # this session follows the change
    assert elsewhere.get("/").status_code == 302  # the other one is signed out
    fresh = console.client()
    assert sign_in(fresh, "analyst@example.com", PASSWORD).status_code != 302  # the old one no longer works
    assert fresh.get("/").status_code == 302
    assert sign_in(console.client(), "analyst@example.com", NEW).status_code == 302
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.actor_email == "analyst@example.com")))
    assert "user.password_changed" in actions


def test_mistakes_are_shown_next_to_the_field_and_nothing_changes(console):
    http = console.client()
    sign_in(http, "finance@example.com", PASSWORD)
    for current, new, confirm, field in (("not my password", NEW, None, "current_password"),
                                         (PASSWORD, "short", None, "new_password"),
                                         (PASSWORD, NEW, "something else entirely", "confirm_password"),
                                         (PASSWORD, PASSWORD, None, "new_password")):
        reply = _change(http, current, new, confirm)
        page = text_of(reply)
        assert reply.status_code == 422 and f'id="{field}-error"' in page, (field, page[:1500])
        assert NEW not in page and PASSWORD not in page  # passwords are never sent back
    assert sign_in(console.client(), "finance@example.com", PASSWORD).status_code == 302


def test_guessing_the_current_password_meets_the_sign_in_limit(console):
    http = console.client()
    sign_in(http, "marketer@example.com", PASSWORD)
    codes = [_change(http, f"guess {n}").status_code for n in range(8)]
    assert codes[0] == 422 and 429 in codes
    limited = _change(http, PASSWORD)
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
