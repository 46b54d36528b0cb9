"""The close-the-loop case pages (`/cases`, `/cases/<id>`) against the real notifier and survey apps on
SQLite and PostgreSQL: a team lead works a case from the list to resolved, every change audited; a lead
outside the case's scope gets "not found"; refusals, conflicts and a service down read as pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from services.console.audit import list_audit
from tests.console.case_support import add_playbook, case_as_admin, open_case, subscribe_lead, user_id
from tests.console.support import PASSWORD, csrf_token, post_form, sign_in, text_of

LEAD, OTHER_LEAD = "lead-ko@example.com", "lead-other@example.com"


@pytest.fixture
def leads(console):
    """A Korean-speaking lead subscribed to delivery, and a lead subscribed to another touchpoint."""
    console.person("team_lead", LEAD, language="ko", display_name="김팀장")
    console.person("team_lead", OTHER_LEAD, display_name="Olive Other")
    subscribe_lead(console, LEAD, touchpoint="delivery")
    subscribe_lead(console, OTHER_LEAD, touchpoint="support")
    return console


def _signed_in(console, email: str):
    http = console.client()
    sign_in(http, email, PASSWORD)
    return http


def _audit(console):
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        return list_audit(session).entries


def test_a_lead_acknowledges_assigns_notes_and_resolves_a_case_and_every_step_is_kept(leads):
    console = leads
    add_playbook(console)
    case = open_case(console)
    http = _signed_in(console, LEAD)
    listing = text_of(http.get("/cases"))
    assert f'href="/cases/{case["id"]}"' in listing and "cust-7" in listing and "delivery" in listing
    page = text_of(http.get(f"/cases/{case['id']}"))
    # every answer with its label, the comment, and the playbook in the reader's language (Korean)
    assert "가장 아쉬운 점은?" in page and "배송 속도" in page and "상자가 찢어져 왔어요" in page
    assert "24시간 안에 전화하고 재배송을 제안하세요" in page and "Call within 24 hours" not in page
    assert "열림" in page and "Acknowledge" not in page  # the page is in Korean

    assert post_form(http, f"/cases/{case['id']}/acknowledge", {}, page=f"/cases/{case['id']}").status_code == 302
    lead_id = user_id(console, LEAD)
    reply = post_form(http, f"/cases/{case['id']}/assign", {"assignee": f"console-user:{lead_id}"},
                      page=f"/cases/{case['id']}")
    assert reply.status_code == 302, text_of(reply)[:3000]
    mine = text_of(http.get("/cases?view=mine"))
    assert f'href="/cases/{case["id"]}"' in mine  # the assignee id is the person's principal: "mine" finds it
    reply = post_form(http, f"/cases/{case['id']}/notes", {"text": "고객에게 전화함, 환불 처리"},
                      page=f"/cases/{case['id']}")
    assert reply.status_code == 302
    reply = post_form(http, f"/cases/{case['id']}/resolve", {"outcome": "unreachable", "note": "세 번 전화함"},
                      page=f"/cases/{case['id']}")
    assert reply.status_code == 302

    stored = case_as_admin(console, case["id"])
    assert stored["status"] == "resolved" and stored["outcome"] == "unreachable"
    assert stored["assignee"]["id"] == f"console-user:{lead_id}" and stored["assignee"]["name"] == "김팀장"
    assert stored["acknowledged_at"] and stored["first_action_at"] and stored["resolved_at"]
    assert stored["time_to_first_action_seconds"] is not None
    assert [h["kind"] for h in stored["history"]] == ["opened", "acknowledged", "assigned", "noted", "resolved"]
    assert {h["actor"] for h in stored["history"][1:]} == {f"console-user:{lead_id}"}

    page = text_of(http.get(f"/cases/{case['id']}"))
    assert "고객에게 전화함, 환불 처리" in page and "세 번 전화함" in page and page.count("김팀장") >= 4
    assert 'action="/cases/%d/reopen"' % case["id"] in page and f'/cases/{case["id"]}/resolve' not in page
    entries = [entry for entry in _audit(console) if entry.action.startswith("case.")]
    assert [entry.action for entry in entries] == ["case.resolved", "case.noted", "case.assigned", "case.acknowledged"]
    assert {entry.target for entry in entries} == {f"case:{case['id']}"} and entries[0].details["outcome"] == "unreachable"
    assert entries[2].details["assignee"] == LEAD and {entry.actor_email for entry in entries} == {LEAD}


def test_another_lead_cannot_open_or_act_on_a_case_outside_their_scope(leads):
    console = leads
    case = open_case(console)
    http = _signed_in(console, OTHER_LEAD)
    assert f'href="/cases/{case["id"]}"' not in text_of(http.get("/cases?view=all"))
    reply = http.get(f"/cases/{case['id']}")
    page = text_of(reply)
    assert reply.status_code == 404 and "Case not found" in page and "subscriptions" in page
    token = csrf_token(text_of(http.get("/cases")))
    for action, data in (("acknowledge", {}), ("notes", {"text": "x"}), ("resolve", {"outcome": "resolved"})):
        assert http.post(f"/cases/{case['id']}/{action}", data={"csrf_token": token, **data}).status_code == 404
    assert case_as_admin(console, case["id"])["status"] == "open"
    assert http.get("/cases/999999").status_code == 404  # unknown reads the same as out of reach


def test_a_conflicting_action_says_so_and_changes_nothing(leads):
    console = leads
    case = open_case(console)
    http = _signed_in(console, LEAD)
    page_html = text_of(http.get(f"/cases/{case['id']}"))
    token = csrf_token(page_html)
    assert http.post(f"/cases/{case['id']}/acknowledge", data={"csrf_token": token}).status_code == 302
    again = http.post(f"/cases/{case['id']}/acknowledge", data={"csrf_token": token})  # a second tab, say
    assert again.status_code == 409
    assert "이미" in text_of(again) or "already" in text_of(again)
    assert [h["kind"] for h in case_as_admin(console, case["id"])["history"]] == ["opened", "acknowledged"]


def test_an_empty_note_or_no_outcome_is_shown_next_to_the_field(leads):
    console = leads
    case = open_case(console)
    http = _signed_in(console, LEAD)
    reply = post_form(http, f"/cases/{case['id']}/notes", {"text": "   "}, page=f"/cases/{case['id']}")
    assert reply.status_code == 422 and 'id="text-error"' in text_of(reply)
    reply = post_form(http, f"/cases/{case['id']}/resolve", {"note": "keep me"}, page=f"/cases/{case['id']}")
    page = text_of(reply)
    assert reply.status_code == 422 and 'id="outcome-error"' in page and "keep me" in page
    assert case_as_admin(console, case["id"])["history"][-1]["kind"] == "opened"


def test_the_list_filters_by_view_and_status_and_pages(leads):
    console = leads
    cases = [open_case(console, customer_id=f"cust-page-{n}") for n in range(3)]
    http = _signed_in(console, LEAD)
    assert all(f'href="/cases/{c["id"]}"' in text_of(http.get("/cases?view=unassigned")) for c in cases)
    assert not re.search(r'href="/cases/\d+"', text_of(http.get("/cases?view=mine")))
    assert not re.search(r'href="/cases/\d+"', text_of(http.get("/cases?status=resolved")))
    from services.console.pages import cases as cases_module

    size, cases_module.PAGE_SIZE = cases_module.PAGE_SIZE, 2
    try:
        first = text_of(http.get("/cases"))
        assert len(set(re.findall(r'href="/cases/(\d+)"', first))) == 2
        older = re.search(r'href="(/cases\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
        rest = set(re.findall(r'href="/cases/(\d+)"', text_of(http.get(older))))
        assert rest == {str(cases[0]["id"])}
    finally:
        cases_module.PAGE_SIZE = size
    assert http.get("/cases?view=nonsense&status=nonsense&cursor=%00").status_code in (200,)


def test_the_customers_other_responses_and_cases_are_linked(leads):
    console = leads
    first, second = open_case(console, customer_id="cust-twice"), open_case(console, customer_id="cust-twice")
    admin = console.client()
    sign_in(admin)
    page = text_of(admin.get(f"/cases/{second['id']}"))
    assert f'href="/cases/{first["id"]}"' in page and 'href="/customers/cust-twice"' in page
    lead_page = text_of(_signed_in(console, LEAD).get(f"/cases/{second['id']}"))
    assert f'href="/cases/{first["id"]}"' in lead_page  # survey does not give a lead the journey; notifier's cases
    assert 'href="/customers/cust-twice"' not in lead_page


@pytest.mark.parametrize("role", ["admin", "team_lead"])
def test_the_menu_shows_cases_to_admins_and_leads(console, role):
    http = console.client()
    sign_in(http) if role == "admin" else sign_in(http, f"{role}@example.com", PASSWORD)
    assert 'href="/cases"' in text_of(http.get("/"))


def test_with_notifier_down_the_pages_say_so(console_stack):
    console = console_stack(services_up=False)
    console.person("team_lead", LEAD)
    http = _signed_in(console, LEAD)
    reply = http.get("/cases")
    assert reply.status_code == 200 and "notifier" in text_of(reply) and "not answering" in text_of(reply)
    reply = http.get("/cases/1")
    assert reply.status_code == 503 and "notifier" in text_of(reply)
