"""Sign-in: sessions, CSRF on every form, rate limits per account and address, the bootstrap admin, headers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.db import Database
from services.console.app import create_app
from services.console.config import TestConfig as ConsoleTestConfig
from services.console.models import User
from tests.console.support import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, csrf_token, post_form, sign_in, text_of


def test_sign_in_and_out(console):
    http = console.client()
    assert http.get("/").status_code == 302  # to /login
    reply = sign_in(http)
    assert reply.status_code == 302 and reply.headers["Location"] == "/"
    page = http.get("/")
    assert page.status_code == 200 and "Admin" in text_of(page)
    assert post_form(http, "/logout", {}, page="/").status_code == 302
    assert http.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_clear_message_and_nothing_typed_but_the_password_kept(console):
    http = console.client()
    reply = sign_in(http, ADMIN_EMAIL, "not the password")
    assert reply.status_code == 401
    html = text_of(reply)
    assert "do not match an active account" in html and f'value="{ADMIN_EMAIL}"' in html
    assert "not the password" not in html


def test_a_form_without_its_csrf_token_is_refused(console):
    http = console.client()
    reply = http.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert reply.status_code == 400 and "expired" in text_of(reply)
    sign_in(http)
    assert http.post("/settings/preferences", data={"language": "en", "time_zone": "UTC"}).status_code == 400
    assert http.post("/logout").status_code == 400


def test_sign_in_is_rate_limited_per_account_with_a_clear_message(console):
    http = console.client()
    for _ in range(5):  # the burst
        assert sign_in(http, ADMIN_EMAIL, "wrong password").status_code == 401
    reply = sign_in(http, ADMIN_EMAIL, ADMIN_PASSWORD)  # even the right password waits now
    assert reply.status_code == 429 and int(reply.headers["Retry-After"]) >= 1
    assert "Too many sign-in attempts for this account" in text_of(reply)
    assert sign_in(http, "marketer@example.com", PASSWORD).status_code == 302  # another account signs in


def test_sign_in_is_rate_limited_per_address(console_stack):
    stack = console_stack(env={"CONSOLE_LOGIN_LIMIT_PER_ADDRESS_BURST": "3"})
    http = stack.client()
    for number in range(3):
        assert sign_in(http, f"nobody{number}@example.com", "wrong password").status_code == 401
    reply = sign_in(http, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert reply.status_code == 429 and "from this network address" in text_of(reply)


def test_the_bootstrap_admin_is_made_once_and_never_overwritten(console_stack):
    first = console_stack()
    config = ConsoleTestConfig({**first.app.config["CONSOLE_TEST_ENV"],
                         "CX_CONSOLE_ADMIN_PASSWORD": "another password entirely"})
    create_app(config, database=Database(bind=first.connection),
               clients=first.app.extensions["console_clients"])  # a second start-up, another password
    with Session(bind=first.connection) as session:
        assert session.scalar(select(func.count()).select_from(User).where(User.email == ADMIN_EMAIL)) == 1
    assert sign_in(first.client()).status_code == 302  # the first password still works


def test_a_disabled_person_cannot_sign_in_and_their_session_ends(console):
    person, admin = console.client(), console.client()
    sign_in(person, "marketer@example.com", PASSWORD)
    assert person.get("/").status_code == 200
    sign_in(admin)
    with Session(bind=console.connection) as session:
        user_id = session.scalar(select(User.id).where(User.email == "marketer@example.com"))
    assert post_form(admin, f"/settings/users/{user_id}/disable", {}, page=f"/settings/users/{user_id}").status_code == 302
    assert person.get("/").status_code == 302
    assert sign_in(console.client(), "marketer@example.com", PASSWORD).status_code == 401


def test_cookies_pages_and_static_files_carry_the_right_headers(console_stack):
    http = console_stack(env={"CONSOLE_PUBLIC_BASE_URL": "https://console.example.com"}).client()
    page = http.get("/login", base_url="https://console.example.com")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert page.headers["Cache-Control"] == "no-store"
    assert http.get("/static/console.css").status_code == 200
    plain = ConsoleTestConfig({"CONSOLE_PUBLIC_BASE_URL": "http://127.0.0.1:8000"})
    assert plain.SESSION_COOKIE_SECURE is False and plain.SESSION_COOKIE_HTTPONLY is True


def test_a_next_address_only_leads_within_the_console(console):
    http = console.client()
    html = text_of(http.get("/login?next=//evil.example/x"))
    reply = http.post("/login", data={"csrf_token": csrf_token(html), "email": ADMIN_EMAIL,
                                      "password": ADMIN_PASSWORD, "next": "//evil.example/x"})
    assert reply.headers["Location"] == "/"
    http = console.client()
    reply = http.post("/login", data={"csrf_token": csrf_token(text_of(http.get("/login"))), "email": ADMIN_EMAIL,
                                      "password": ADMIN_PASSWORD, "next": "/settings/users"})
    assert reply.headers["Location"] == "/settings/users"


def test_bad_input_gives_pages_never_a_500(console):
    http = console.client()
    sign_in(http)
    for path in ("/settings/users/99999999999999999999", "/settings/users/abc", "/settings/audit?offset=-1",
                 "/settings/audit?offset=99999999999999999999999", "/nope", "/settings/users/0"):
        reply = http.get(path)
        assert reply.status_code in (200, 404), (path, reply.status_code)
        assert reply.mimetype == "text/html"
    assert http.put("/settings/users").status_code == 405
