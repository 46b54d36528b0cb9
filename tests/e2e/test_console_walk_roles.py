"""The console walked end to end against real gunicorn processes of all four services and the survey
worker on PostgreSQL (tests/e2e/console_walk.py): what each role may not do.

The admin adds a team lead and an analyst; the survey service holds a published survey and a trigger.
The team lead is refused the survey and trigger pages, by the menu, by typed URLs and by forged form
posts, and nothing changes; the analyst reads surveys and triggers without being able to change them.
axe-core runs on every page visited (0 serious or critical violations); screenshots at 360 and 1280 px
go to test-artifacts/console/walk-*.png.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect

from services.console.trigger_form import BLANK_CONDITION_ROWS
from tests.e2e.console_walk import ADMIN, ADMIN_KEY, PASSWORD, PEOPLE, Walker
from tests.survey.conftest import survey_body

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.postgres, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def published(walk, browser):
    """The team lead and the analyst, added by the admin through the console; a published survey and a
    trigger made through the survey API (the walk's other module builds them through the console)."""
    admin = Walker(browser, walk["urls"]["console"], "admin")
    admin.sign_in(*ADMIN)
    for role in ("team_lead", "analyst"):
        admin.add_person(role)
    admin.close()
    stamp = datetime.now(UTC).strftime("%H%M%S")
    survey_name, trigger_name = f"Returns walk {stamp}", f"Big returns {stamp}"
    with httpx.Client(base_url=walk["urls"]["survey"], timeout=30,
                      headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        created = api.post("/v1/surveys", json=survey_body(name=survey_name))
        assert created.status_code == 201, created.text
        survey_id = created.json()["id"]
        assert api.post(f"/v1/surveys/{survey_id}/publish").status_code == 201
        trigger = api.post("/v1/triggers", json={"name": trigger_name, "event_type": "walk.returned",
                                                 "survey_id": survey_id, "channel": "email"})
        assert trigger.status_code == 201, trigger.text
    return {"survey_id": survey_id, "survey_name": survey_name, "trigger_id": trigger.json()["id"],
            "trigger_name": trigger_name}


def test_the_team_lead_and_the_analyst_cannot_change_surveys_or_triggers(walk, published, browser):
    urls, survey_id, trigger_id = walk["urls"], published["survey_id"], published["trigger_id"]
    survey_name, trigger_name = published["survey_name"], published["trigger_name"]
    with httpx.Client(base_url=urls["survey"], timeout=30, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        triggers_before = [t["id"] for t in api.get("/v1/triggers").json()]
    assert trigger_id in triggers_before

    # The team lead: no survey or trigger pages, not by the menu, a typed URL or a forged post.
    lead = Walker(browser, urls["console"], "team_lead")
    lead.sign_in(PEOPLE["team_lead"][0], PASSWORD)
    page = lead.page
    menu = page.get_by_role("navigation")
    for hidden in ("Surveys", "Triggers", "Send log", "People", "API keys"):
        expect(menu.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    for path, name in ((f"/surveys/{survey_id}/edit", "survey"), ("/surveys", "surveys"), ("/triggers", "triggers"),
                       (f"/triggers/{trigger_id}", "trigger"), ("/settings/users", "users"),
                       ("/settings/keys", "keys"), ("/invitations", "invitations")):
        reply = page.goto(path)
        assert reply is not None and reply.status == 403, (path, reply and reply.status)
        expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
        lead.check(f"refused-{name}")
    page.goto("/")
    token = lead.csrf_token()
    forged = {"csrf_token": token, "name": "taken over", "survey_id": str(survey_id), "event_type": "order.delivered",
              "delay_amount": "0", "delay_unit": "hours", "sampling_percent": "100", "channel": "email",
              "expires_amount": "7", "expires_unit": "days", "reminder_unit": "days", "priority": "0",
              **{f"conditions-{row}-{part}": value for row in range(BLANK_CONDITION_ROWS)
                 for part, value in (("field", "event.amount" if row == 0 else ""), ("op", "gte"),
                                     ("value", "1" if row == 0 else ""))}}
    for path, form in ((f"/triggers/{trigger_id}", forged), ("/triggers/new", forged),
                       (f"/surveys/{survey_id}/publish", {"csrf_token": token}),
                       ("/settings/users/new", {"csrf_token": token, "display_name": "Sneaky", "role": "admin",
                                                "email": "sneaky@example.com", "password": "a long password 123",
                                                "language": "en", "time_zone": "Asia/Seoul"})):
        reply = page.request.post(path, form=form)
        # A new trigger's form is checked first: the surveys the team lead may not list are no choice (422).
        assert reply.status in ((403, 422) if path == "/triggers/new" else (403,)), (path, reply.status)
    with httpx.Client(base_url=urls["survey"], timeout=30, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        trigger = api.get(f"/v1/triggers/{trigger_id}").json()
        assert trigger["name"] == trigger_name
        assert [t["id"] for t in api.get("/v1/triggers").json()] == triggers_before  # no trigger made
        assert [v["version"] for v in api.get(f"/v1/surveys/{survey_id}/versions").json()] == [1]
    lead.close()

    # The analyst reads surveys and triggers; changing them is refused.
    analyst = Walker(browser, urls["console"], "analyst")
    analyst.sign_in(PEOPLE["analyst"][0], PASSWORD)
    page = analyst.page
    analyst.nav("Surveys")
    expect(page.get_by_role("table")).to_contain_text(survey_name)
    expect(page.get_by_role("link", name="New survey")).to_have_count(0)
    analyst.check("surveys-read-only")
    page.get_by_role("link", name=survey_name).click()
    expect(page.get_by_text("You can read this survey; only marketers and admins can change it.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    analyst.check("survey-read-only")
    analyst.nav("Triggers")
    expect(page.get_by_role("link", name="New trigger")).to_have_count(0)
    page.get_by_role("link", name=trigger_name).click()
    analyst.check("trigger-read-only")
    token = analyst.csrf_token()
    for path, form in ((f"/surveys/{survey_id}/publish", {"csrf_token": token}),
                       (f"/triggers/{trigger_id}", {**forged, "csrf_token": token})):
        reply = page.request.post(path, form=form)
        assert reply.status == 403, (path, reply.status)
    reply = page.goto("/settings/users")
    assert reply is not None and reply.status == 403
    analyst.close()
