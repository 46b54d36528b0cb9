"""The contact budget set by an admin in the console (`/settings/contact-rules`), against the real survey
service on SQLite and PostgreSQL: stored there, shown on the trigger pages, audited, refused to others."""

from __future__ import annotations

import pytest

from services.console.audit import list_audit
from tests.console.support import PASSWORD, post_form, sign_in, text_of
from tests.console.trigger_support import seed_survey


def _signed_in(console, role: str):
    http = console.client()
    if role == "admin":
        sign_in(http)
    else:
        sign_in(http, f"{role}@example.com", PASSWORD)
    return http


def _service_rules(console) -> dict:
    reply = console.services["survey"].client().get(
        "/v1/contact-rules", headers={"Authorization": f"Bearer {console.services['survey'].key_for('admin')}"})
    assert reply.status_code == 200
    return reply.json


def test_an_admin_sets_the_budget_and_goes_back_to_the_configured_one(console):
    http = _signed_in(console, "admin")
    page = text_of(http.get("/settings/contact-rules"))
    assert "3 surveys in 30 days" in page and "SURVEY_CONTACT_BUDGET_MAX" in page
    assert 'value="3"' in page and 'value="30"' in page  # the form starts from what is in force
    reply = post_form(http, "/settings/contact-rules", {"budget_max_contacts": "2", "budget_days": "14"})
    assert reply.status_code == 302, text_of(reply)[:2000]
    stored = _service_rules(console)
    assert (stored["budget_source"], stored["budget_max_contacts"], stored["budget_days"]) == ("stored", 2, 14)
    assert stored["updated_by"].startswith("console-user:")  # the person, through the hand-over
    page = text_of(http.get("/settings/contact-rules"))
    assert "2 surveys in 14 days" in page and "Use the configured budget" in page
    triggers_page = text_of(http.get("/triggers"))
    assert "2 surveys in 14 days" in triggers_page and "Change the budget" in triggers_page
    reply = post_form(http, "/settings/contact-rules/reset", {}, page="/settings/contact-rules")
    assert reply.status_code == 302
    assert _service_rules(console)["budget_source"] == "configuration"
    from sqlalchemy.orm import Session

    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        entries = list_audit(session).entries
    assert [entry.action for entry in entries[:2]] == ["contact_budget.reset", "contact_budget.changed"]
    assert entries[1].details == {"before": "3 in 30 days", "after": "2 in 14 days", "source": "stored"}
    assert entries[0].target == "contact-rules" and entries[0].actor_email == "admin@example.com"


@pytest.mark.parametrize("values, field", [({"budget_max_contacts": "0", "budget_days": "14"}, "budget_max_contacts"),
                                           ({"budget_max_contacts": "2", "budget_days": "400"}, "budget_days"),
                                           ({"budget_max_contacts": "two", "budget_days": "14"}, "budget_max_contacts")])
def test_a_budget_out_of_bounds_is_shown_next_to_the_field_and_nothing_changes(console, values, field):
    http = _signed_in(console, "admin")
    reply = post_form(http, "/settings/contact-rules", values)
    page = text_of(reply)
    assert reply.status_code == 422 and f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert _service_rules(console)["budget_source"] == "configuration"


@pytest.mark.parametrize("role", ["marketer", "analyst", "finance", "team_lead"])
def test_other_roles_read_the_budget_on_triggers_but_cannot_change_it(console, role):
    seed_survey(console)
    http = _signed_in(console, role)
    assert http.get("/settings/contact-rules").status_code == 403
    html = text_of(http.get("/settings/preferences"))  # a real token of this person: the post is still refused
    from tests.console.support import csrf_token

    forged = http.post("/settings/contact-rules", data={"csrf_token": csrf_token(html), "budget_max_contacts": "9",
                                                        "budget_days": "9"})
    assert forged.status_code == 403
    assert http.post("/settings/contact-rules/reset", data={"csrf_token": csrf_token(html)}).status_code == 403
    assert _service_rules(console)["budget_source"] == "configuration"
    if role == "marketer":
        page = text_of(http.get("/triggers"))
        assert "3 surveys in 30 days" in page and "Admins can change it." in page
        assert "/settings/contact-rules" not in page
