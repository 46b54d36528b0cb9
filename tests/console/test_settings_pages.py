"""Admin pages: people, API keys (through the services), the audit log; a person's own preferences."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.console.models import AuditEntry, User
from tests.console.support import PASSWORD, post_form, sign_in, text_of
from tests.support import auth


def _admin(console):
    http = console.client()
    assert sign_in(http).status_code == 302
    return http


def _actions(console) -> list[str]:
    with Session(bind=console.connection) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _user_id(console, email: str) -> int:
    with Session(bind=console.connection) as session:
        return session.scalar(select(User.id).where(User.email == email))


NEW_PERSON = {"display_name": "김민지", "email": "Minji.Kim@Example.com", "role": "marketer", "language": "ko",
              "time_zone": "Asia/Seoul", "password": "twelve chars at least"}


def test_an_admin_adds_a_person_who_can_then_sign_in(console):
    http = _admin(console)
    reply = post_form(http, "/settings/users/new", NEW_PERSON)
    assert reply.status_code == 302
    listing = text_of(http.get("/settings/users"))
    assert "김민지" in listing and "minji.kim@example.com" in listing
    assert sign_in(console.client(), "minji.kim@example.com", "twelve chars at least").status_code == 302
    assert "user.created" in _actions(console)


def test_errors_show_next_to_their_field_in_a_summary_and_keep_what_was_typed(console):
    http = _admin(console)
    reply = post_form(http, "/settings/users/new", {**NEW_PERSON, "email": "not-an-email", "password": "short"})
    assert reply.status_code == 422
    html = text_of(reply)
    assert 'href="#password"' in html and 'aria-invalid="true"' in html and "12" in html
    assert "김민지" in html and "not-an-email" in html and "short" not in html  # passwords are not echoed
    reply = post_form(http, "/settings/users/new", {**NEW_PERSON, "email": "marketer@example.com"})
    assert reply.status_code == 422 and 'href="#email"' in text_of(reply)


def test_a_script_in_a_name_is_shown_as_text(console):
    http = _admin(console)
    post_form(http, "/settings/users/new", {**NEW_PERSON, "display_name": "<script>alert(1)</script>"})
    html = text_of(http.get("/settings/users"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_admin_changes_a_role_and_disables_a_person_and_the_last_admin_stays(console):
    http = _admin(console)
    marketer = _user_id(console, "marketer@example.com")
    reply = post_form(http, f"/settings/users/{marketer}", {"display_name": "Marketer", "role": "analyst",
                                                             "language": "en", "time_zone": "Europe/Berlin"})
    assert reply.status_code == 302
    assert "Europe/Berlin" in text_of(http.get("/settings/users"))
    admin = _user_id(console, "admin@example.com")
    other_admin = _user_id(console, "admin@example.com")
    assert other_admin == admin
    reply = post_form(http, f"/settings/users/{admin}", {"display_name": "Admin", "role": "marketer",
                                                          "language": "en", "time_zone": "UTC"})
    assert reply.status_code == 422 and "last active admin" in text_of(reply)
    post_form(http, f"/settings/users/{admin}/disable", {}, page=f"/settings/users/{admin}")
    assert http.get("/").status_code == 200  # the last admin was not disabled
    assert _actions(console).count("user.updated") == 1


def test_only_admins_reach_people_and_audit(console):
    http = console.client()
    sign_in(http, "analyst@example.com", PASSWORD)
    for path in ("/settings/users", "/settings/users/new", "/settings/audit"):
        reply = http.get(path)
        assert reply.status_code == 403 and "ask an admin" in text_of(reply), path
    assert post_form(http, "/settings/users/1/disable", {}, page="/").status_code == 403


def test_a_created_key_is_shown_once_works_on_every_service_and_is_revoked_everywhere(console):
    http = _admin(console)
    reply = post_form(http, "/settings/keys", {"role": "finance", "subject": "ERP nightly import"})
    assert reply.status_code == 200
    html = text_of(reply)
    key = html.split('id="new-key">', 1)[1].split("<", 1)[0]
    assert key.startswith("cx_")
    for name, service in console.services.items():
        whoami = service.client().get("/v1/whoami", headers=auth(key))
        assert whoami.status_code == 200 and whoami.json["role"] == "finance", name
    listing = text_of(http.get("/settings/keys"))
    assert "ERP nightly import" in listing and key not in listing
    key_id = key.split("_")[1]
    assert post_form(http, f"/settings/keys/{key_id}/revoke", {}, page="/settings/keys").status_code == 302
    for service in console.services.values():
        assert service.client().get("/v1/whoami", headers=auth(key)).status_code == 401
    assert {"key.created", "key.revoked"} <= set(_actions(console))


def test_when_a_service_is_down_the_page_names_it_and_keeps_what_was_typed(console_stack):
    stack = console_stack(services_up=False)
    http = stack.client()
    sign_in(http)
    overview = text_of(http.get("/"))
    assert overview.count("Not answering") == 3 and "survey service is not answering" in overview
    reply = post_form(http, "/settings/keys", {"role": "ingest", "subject": "Shop front events"})
    assert reply.status_code == 503
    html = text_of(reply)
    assert "survey service is not answering" in html and 'value="Shop front events"' in html


def test_the_audit_log_lists_changes_newest_first_and_filters_by_action(console):
    http = _admin(console)
    post_form(http, "/settings/users/new", NEW_PERSON)
    page = text_of(http.get("/settings/audit"))
    assert page.index("user.created") < page.index("user.signed_in") or "user.created" in page
    filtered = text_of(http.get("/settings/audit?action=user.created"))
    assert "minji.kim@example.com" in filtered and "user.signed_in</code>" not in filtered
    assert "Person added" in filtered  # what the code means, with the code under it
    post_form(http, "/settings/preferences", {"language": "ko", "time_zone": "Asia/Seoul"})
    assert "사용자 추가됨" in text_of(http.get("/settings/audit?action=user.created"))


def test_every_audited_action_has_words_for_people():
    """Each ``<thing>.<verb>`` literal the console records is in the one table of audit labels."""
    import ast
    from pathlib import Path

    import services.console
    from services.console.vocabulary import AUDIT_ACTION_LABELS

    recorded = set()
    for path in Path(services.console.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action":
                recorded |= {leaf.value for leaf in ast.walk(node.value)
                             if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)}
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_audit" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    recorded.add(first.value)
    assert {"key.created", "contact_budget.reset", "user.enabled"} <= recorded  # the scan finds them
    assert recorded <= set(AUDIT_ACTION_LABELS), recorded - set(AUDIT_ACTION_LABELS)


def test_a_person_picks_their_language_and_time_zone(console):
    http = console.client()
    sign_in(http, "finance@example.com", PASSWORD)
    reply = post_form(http, "/settings/preferences", {"language": "en", "time_zone": "America/New_York"})
    assert reply.status_code == 302
    page = http.get("/settings/preferences")
    assert '<html lang="en">' in text_of(page) and "America/New_York" in text_of(page)
    post_form(http, "/settings/preferences", {"language": "ko", "time_zone": "Asia/Seoul"})
    page = text_of(http.get("/settings/preferences"))
    assert '<html lang="ko">' in page and "내 설정" in page
    reply = post_form(http, "/settings/preferences", {"language": "fr", "time_zone": "Mars/Olympus"})
    assert reply.status_code == 422
