"""Triggers and the send log through the console, against the real survey service (SQLite and PostgreSQL):
create with a condition, errors next to the field with the input kept, edit, dry runs, filters, roles."""

from __future__ import annotations

import re

from services.console.audit import list_audit
from tests.console.support import PASSWORD, csrf_token, post_form, sign_in, text_of
from tests.console.trigger_support import (
    api_trigger,
    match,
    post_event,
    seed_survey,
    service_triggers,
    trigger_form,
)


def _session(console):
    from sqlalchemy.orm import Session

    return Session(bind=console.connection, join_transaction_mode="create_savepoint")


def _signed_in(console, role: str):
    http = console.client()
    sign_in(http, f"{role}@example.com", PASSWORD)
    return http


def test_a_marketer_creates_a_trigger_with_a_condition_then_edits_it(console):
    survey = seed_survey(console)
    post_event(console, "e-1")
    post_event(console, "e-2")
    http = _signed_in(console, "marketer")
    page = text_of(http.get("/triggers/new"))
    assert "order.delivered · 2 events, last" in page  # picked from what survey has seen
    assert all(f'value="{op}"' in page for op in ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "exists",
                                                   "contains"))
    assert "3 surveys in 30 days" in page  # the contact budget, readable
    reply = post_form(http, "/triggers/new", trigger_form(survey["id"]))
    assert reply.status_code == 302, text_of(reply)[:2000]
    [stored] = service_triggers(console)
    assert stored["conditions"] == [{"field": "event.amount", "op": "gte", "value": 10000}]
    assert (stored["window_start"], stored["window_end"], stored["reminder_after_minutes"]) == ("09:00", "20:00", 2880)
    assert stored["cancel_on"] == ["order.returned", "refund.issued"] and stored["priority"] == 5
    assert reply.headers["Location"].endswith(f"/triggers/{stored['id']}")
    edit_page = text_of(http.get(f"/triggers/{stored['id']}"))
    assert 'value="Ask after delivery"' in edit_page and 'value="10000"' in edit_page
    assert "“Delivery CSAT”: 14 days" in edit_page  # the survey's recontact window
    changed = trigger_form(survey["id"], delay_amount="3", delay_unit="days", sampling_percent="25",
                           **{"conditions-0-op": "in", "conditions-0-value": 'gold, silver, "7"',
                              "conditions-0-field": "customer.plan"})
    changed.pop("active")
    reply = post_form(http, f"/triggers/{stored['id']}", changed)
    assert reply.status_code == 302, text_of(reply)[:2000]
    [stored] = service_triggers(console)
    assert (stored["delay_minutes"], stored["sampling_rate"], stored["active"]) == (4320, 0.25, False)
    assert stored["conditions"] == [{"field": "customer.plan", "op": "in", "value": ["gold", "silver", "7"]}]
    with _session(console) as session:
        entries = list_audit(session).entries
    assert [entry.action for entry in entries[:2]] == ["trigger.updated", "trigger.created"]
    assert entries[0].actor_email == "marketer@example.com" and entries[0].target == f"trigger:{stored['id']}"
    assert {"delay_minutes", "sampling_rate", "active", "conditions"} <= set(entries[0].details["changed"])
    listing = text_of(http.get("/triggers"))
    assert "Ask after delivery" in listing and "3 days" in listing and "Off" in listing


def test_a_refused_trigger_shows_the_error_next_to_the_field_and_keeps_what_was_typed(console):
    survey = seed_survey(console)
    http = _signed_in(console, "marketer")
    reply = post_form(http, "/triggers/new", trigger_form(survey["id"], name="Webhook <b>try</b>", channel="webhook",
                                                          **{"conditions-0-value": "12345"}), page="/triggers/new")
    assert reply.status_code == 422
    page = text_of(reply)
    assert 'id="webhook_url-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Webhook &lt;b&gt;try&lt;/b&gt;"' in page and 'value="12345"' in page
    assert "There is a problem" in page and service_triggers(console) == []
    reply = post_form(http, "/triggers/new", trigger_form(survey["id"], window_end="", delay_amount="soon"))
    page = text_of(reply)
    assert reply.status_code == 422 and 'id="delay_amount-error"' in page and 'value="09:00"' in page
    reply = post_form(http, "/triggers/new", trigger_form(survey["id"], window_end=""))
    assert reply.status_code == 422 and 'id="window_end-error"' in text_of(reply)
    # A condition the service refuses ("exists" on an event attribute is fine; a bad field path is not)
    reply = post_form(http, "/triggers/new", trigger_form(survey["id"], **{"conditions-0-field": "order.amount"}))
    page = text_of(reply)
    assert reply.status_code == 422 and 'id="conditions-0-field-error"' in page and 'value="order.amount"' in page


def test_dry_run_on_a_recent_real_event_and_on_a_pasted_one(console):
    survey = seed_survey(console)
    trigger = api_trigger(console, survey["id"], conditions=[{"field": "event.amount", "op": "gte", "value": 10000}])
    post_event(console, "real-1", customer="kim", attributes={"order_id": "o-9", "amount": 45000})
    http = _signed_in(console, "marketer")
    page = text_of(http.get(f"/triggers/{trigger['id']}"))
    assert "customer kim" in page and "amount=45000" in page
    reply = post_form(http, f"/triggers/{trigger['id']}/dry-run", {"event_id": "real-1", "event_json": ""},
                      page=f"/triggers/{trigger['id']}")
    page = text_of(reply)
    assert reply.status_code == 200, page[:3000]
    assert re.search(r"Would send by email on .* Asia/Seoul\.", page), page[:3000]
    pasted = '{"customer": {"id": "lee", "email": "lee@example.com"}, "attributes": {"amount": 500}}'
    reply = post_form(http, f"/triggers/{trigger['id']}/dry-run", {"event_id": "", "event_json": pasted},
                      page=f"/triggers/{trigger['id']}")
    page = text_of(reply)
    assert reply.status_code == 200 and "Not sent: the condition" in page and "is at least 10000" in page
    reply = post_form(http, f"/triggers/{trigger['id']}/dry-run", {"event_id": "", "event_json": "{not json"},
                      page=f"/triggers/{trigger['id']}")
    assert reply.status_code == 422 and 'id="event_json-error"' in text_of(reply)
    assert "{not json" in text_of(reply)  # kept
    reply = post_form(http, f"/triggers/{trigger['id']}/dry-run",
                      {"event_id": "", "event_json": '{"customer": {"email": "x@example.com"}}'},
                      page=f"/triggers/{trigger['id']}")
    assert reply.status_code == 422 and "customer" in text_of(reply) and 'id="event_json-error"' in text_of(reply)
    # Sent once: the next event is stopped by the recontact window, in words.
    match(console)
    from services.survey.dispatch import dispatch_next
    from services.survey.runtime import dispatch_settings
    app = console.services["survey"].app
    from datetime import UTC, datetime
    with app.extensions["db"].session_factory() as session:
        dispatch_next(session, now=datetime.now(UTC), settings=dispatch_settings(app.config),
                      senders={"email": lambda outgoing: None})
    again = '{"id": "later", "customer": {"id": "kim"}, "attributes": {"amount": 20000}}'
    page = text_of(post_form(http, f"/triggers/{trigger['id']}/dry-run", {"event_id": "", "event_json": again},
                             page=f"/triggers/{trigger['id']}"))
    assert "Not sent: asked today, recontact window 14 days." in page


def test_the_send_log_filters_by_survey_trigger_status_and_customer_and_pages(console):
    first, second = seed_survey(console), seed_survey(console, name="Support CES")
    delivered = api_trigger(console, first["id"])
    closed = api_trigger(console, second["id"], name="after ticket", event_type="ticket.closed", sampling_rate=0.0)
    post_event(console, "d-1", customer="kim")
    post_event(console, "d-2", customer="lee")
    post_event(console, "t-1", customer="kim", type_="ticket.closed")
    assert match(console) == 3
    http = _signed_in(console, "marketer")
    page = text_of(http.get("/invitations"))
    assert page.count("<tr>") == 4 and "Not sent: sampled out" in page and "Goes out on" in page
    page = text_of(http.get(f"/invitations?trigger_id={closed['id']}"))
    assert page.count("<tr>") == 2 and "sampling left this event out" in page
    assert text_of(http.get(f"/invitations?survey_id={first['id']}")).count("<tr>") == 3
    assert text_of(http.get("/invitations?status=sampled_out")).count("<tr>") == 2
    assert text_of(http.get("/invitations?customer_id=lee")).count("<tr>") == 2
    assert text_of(http.get(f"/invitations?customer_id=kim&trigger_id={delivered['id']}")).count("<tr>") == 2
    assert http.get("/invitations?status=nonsense&survey_id=x&offset=-3").status_code == 200  # dropped, not a 500
    empty = text_of(http.get("/invitations?offset=50"))
    assert "No invitations match." in empty
    link = re.search(r'href="(/invitations/\d+)"', page).group(1)
    detail = text_of(http.get(link))
    assert "Decisions" in detail and "Not sent: sampled out" in detail and "sampled out at rate 0" in detail


def test_roles_analysts_read_marketers_change_others_are_refused_by_the_service(console):
    survey = seed_survey(console)
    trigger = api_trigger(console, survey["id"])
    analyst = _signed_in(console, "analyst")
    assert analyst.get("/triggers").status_code == 200
    page = text_of(analyst.get(f"/triggers/{trigger['id']}"))
    assert "Only marketers and admins change triggers" in page and "<fieldset class=\"fieldset\" disabled" in page
    token = csrf_token(page)
    refused = analyst.post(f"/triggers/{trigger['id']}", data={"csrf_token": token,
                                                               **trigger_form(survey["id"], name="analyst was here")})
    assert refused.status_code == 403 and "does not allow your role" in text_of(refused)
    assert service_triggers(console)[0]["name"] == "after delivery"
    refused = analyst.post(f"/triggers/{trigger['id']}/dry-run", data={"csrf_token": token, "event_json": "{}"})
    assert refused.status_code in (403, 422) and "does not allow your role" in text_of(refused)
    assert analyst.get("/invitations").status_code == 200
    assert analyst.get("/triggers/new").status_code == 403  # nothing to offer a role that cannot create
    for role in ("finance", "team_lead"):
        http = _signed_in(console, role)
        assert http.get("/triggers/new").status_code == 403, role
        assert http.get("/triggers").status_code == 403, role
        assert http.get(f"/triggers/{trigger['id']}").status_code == 403, role
        assert http.get("/invitations").status_code == 403, role
        nav = text_of(http.get("/"))
        assert 'href="/triggers"' not in nav and 'href="/invitations"' not in nav
    admin = console.client()
    sign_in(admin)  # the bootstrap admin
    assert admin.get(f"/triggers/{trigger['id']}").status_code == 200
    assert _signed_in(console, "marketer").get("/triggers/987654").status_code == 404


def test_a_survey_service_that_is_down_is_named_and_the_form_is_kept(console_stack):
    stack = console_stack(services_up=False)
    stack.person("marketer")
    http = _signed_in(stack, "marketer")
    page = http.get("/triggers/new")
    assert page.status_code == 200 and "survey service is not answering" in text_of(page)
    reply = post_form(http, "/triggers/new", trigger_form(1, name="kept while down"))
    assert reply.status_code in (422, 503) and 'value="kept while down"' in text_of(reply)
    assert http.get("/triggers").status_code == 503
    stored = http.get("/triggers/1")  # the editor of a stored trigger cannot do without its read
    assert stored.status_code == 503 and "survey" in text_of(stored).lower()


def test_wtforms_own_messages_follow_the_persons_language(console):
    """WTForms' messages (a number that is not one) come in the person's language, from the catalogue the
    console keeps per process; one person's language does not leak into the next request."""
    survey = seed_survey(console)
    korean = console.client()
    sign_in(korean, console.person("marketer", "minji@example.com", language="ko"), PASSWORD)
    english = _signed_in(console, "marketer")
    for http, message in ((korean, "올바르지 않은 정수 값입니다."), (english, "Not a valid integer value."),
                          (korean, "올바르지 않은 정수 값입니다.")):
        reply = post_form(http, "/triggers/new", trigger_form(survey["id"], priority="high"), page="/triggers/new")
        page = text_of(reply)
        assert reply.status_code == 422 and 'id="priority-error"' in page
        assert message in page.split('id="priority-error"')[1][:300]
    assert service_triggers(console) == []
