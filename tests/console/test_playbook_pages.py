"""The playbooks page (`/settings/playbooks`) against the real notifier and survey apps on SQLite and
PostgreSQL: a marketer creates, edits and deletes a playbook (touchpoints from survey, people from the
console), a case opened afterwards carries it; duplicates and bad values come back next to their field;
team leads read, other roles are refused; every change audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from services.console.audit import list_audit
from tests.console.case_support import open_case, playbooks_as_admin, user_id
from tests.console.support import PASSWORD, csrf_token, post_form, sign_in, text_of

LEAD = "lead-pb@example.com"
FORM = {"touchpoint": "delivery", "segment": "tier:gold", "instruction_ko": "24시간 안에 전화하세요",
        "instruction_en": "Call within 24 hours", "target_hours": "24", "default_assignee": ""}


@pytest.fixture
def stack(console):
    console.person("team_lead", LEAD, display_name="Lee Lead")
    return console


def _signed_in(console, role: str):
    http = console.client()
    if role == "admin":
        sign_in(http)
    else:
        sign_in(http, LEAD if role == "team_lead" else f"{role}@example.com", PASSWORD)
    return http


def _audit(console):
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        return [entry for entry in list_audit(session).entries if entry.action.startswith("playbook.")]


def test_a_marketer_creates_edits_and_deletes_a_playbook_and_new_cases_carry_it(stack):
    http = _signed_in(stack, "marketer")
    form = text_of(http.get("/settings/playbooks/new"))
    assert "Delivery (delivery)" in form and "Return / refund (return_refund)" in form  # survey's touchpoints and "Lee Lead · lead-pb@example.com" in form
    assert "marketer@example.com" not in form  # only team leads and admins take cases
    lead = f"console-user:{user_id(stack, LEAD)}"
    reply = post_form(http, "/settings/playbooks/new", {**FORM, "segment": "", "default_assignee": lead})
    assert reply.status_code == 302, text_of(reply)[:3000]
    [stored] = playbooks_as_admin(stack)
    assert (stored["touchpoint"], stored["segment"], stored["target_hours"]) == ("delivery", None, 24)
    assert stored["instruction"] == {"ko": "24시간 안에 전화하세요", "en": "Call within 24 hours"}
    assert stored["default_assignee"]["id"] == lead and stored["default_assignee"]["name"] == "Lee Lead"
    listing = text_of(http.get("/settings/playbooks"))
    assert "Call within 24 hours" in listing and "Lee Lead" in listing and "every customer" in listing

    case = open_case(stack)  # notifier copies the playbook and its default assignee into the case
    assert case["playbook"]["id"] == stored["id"] and case["assignee"]["id"] == lead

    page = f"/settings/playbooks/{stored['id']}"
    edit = text_of(http.get(page))
    assert 'value="24"' in edit and "24시간 안에 전화하세요" in edit
    assert re.search(rf'<option (selected value="{lead}"|value="{lead}" selected)', edit)
    reply = post_form(http, page, {**FORM, "target_hours": "8", "instruction_en": "Call within 8 hours"})
    assert reply.status_code == 302, text_of(reply)[:3000]
    [changed] = playbooks_as_admin(stack)
    assert (changed["target_hours"], changed["segment"], changed["default_assignee"]) == (8, "tier:gold", None)
    assert post_form(http, f"{page}/delete", {}, page=page).status_code == 302
    assert playbooks_as_admin(stack) == []
    entries = _audit(stack)
    assert [entry.action for entry in entries] == ["playbook.deleted", "playbook.updated", "playbook.created"]
    assert {entry.target for entry in entries} == {f"playbook:{stored['id']}"}
    assert sorted(entries[1].details["changed"]) == ["default_assignee", "instruction", "segment", "target_hours"]
    assert entries[2].details["touchpoint"] == "delivery" and entries[2].actor_email == "marketer@example.com"


def test_a_second_playbook_for_the_same_touchpoint_and_segment_is_refused_next_to_the_field(stack):
    http = _signed_in(stack, "admin")
    assert post_form(http, "/settings/playbooks/new", FORM).status_code == 302
    reply = post_form(http, "/settings/playbooks/new", {**FORM, "instruction_en": "Something else"})
    page = text_of(reply)
    assert reply.status_code == 409 and 'id="touchpoint-error"' in page and "already exists" in page
    assert "Something else" in page  # nothing typed is lost
    assert len(playbooks_as_admin(stack)) == 1


@pytest.mark.parametrize("changes, field", [({"segment": "gold"}, "segment"), ({"target_hours": "0"}, "target_hours"),
                                            ({"target_hours": "721"}, "target_hours"),
                                            ({"instruction_ko": "  "}, "instruction_ko"),
                                            ({"instruction_en": "x" * 501}, "instruction_en"),
                                            ({"touchpoint": "nowhere"}, "touchpoint")])
def test_bad_values_are_shown_next_to_their_field_and_nothing_is_stored(stack, changes, field):
    http = _signed_in(stack, "marketer")
    reply = post_form(http, "/settings/playbooks/new", {**FORM, **changes})
    page = text_of(reply)
    assert reply.status_code == 422 and f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert playbooks_as_admin(stack) == []


def test_team_leads_read_playbooks_and_cannot_change_them(stack):
    admin = _signed_in(stack, "admin")
    assert post_form(admin, "/settings/playbooks/new", FORM).status_code == 302
    [stored] = playbooks_as_admin(stack)
    http = _signed_in(stack, "team_lead")
    listing = text_of(http.get("/settings/playbooks"))
    assert "Call within 24 hours" in listing and "/settings/playbooks/new" not in listing
    page = text_of(http.get(f"/settings/playbooks/{stored['id']}"))
    assert "24시간 안에 전화하세요" in page and "<form" not in page.split("<main")[1]
    token = csrf_token(listing)
    assert http.get("/settings/playbooks/new").status_code == 403
    assert http.post(f"/settings/playbooks/{stored['id']}", data={"csrf_token": token, **FORM}).status_code == 403
    assert http.post(f"/settings/playbooks/{stored['id']}/delete", data={"csrf_token": token}).status_code == 403
    assert len(playbooks_as_admin(stack)) == 1 and _audit(stack)[0].action == "playbook.created"


@pytest.mark.parametrize("role", ["analyst", "finance"])
def test_other_roles_do_not_get_the_page(stack, role):
    http = _signed_in(stack, role)
    assert http.get("/settings/playbooks").status_code == 403
    assert 'href="/settings/playbooks"' not in text_of(http.get("/"))


def test_the_menu_offers_playbooks_to_admins_and_marketers(stack):
    for role in ("admin", "marketer"):
        assert 'href="/settings/playbooks"' in text_of(_signed_in(stack, role).get("/"))


def test_an_unknown_playbook_is_not_found(stack):
    assert _signed_in(stack, "admin").get("/settings/playbooks/nope").status_code == 404


def test_with_notifier_down_the_page_says_so(console_stack):
    down = console_stack(services_up=False)
    http = down.client()
    sign_in(http)
    reply = http.get("/settings/playbooks")
    assert reply.status_code == 200 and "notifier" in text_of(reply) and "not answering" in text_of(reply)
