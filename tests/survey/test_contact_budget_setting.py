"""The contact budget set by admins through the API: stored, applied to the next decision, reverted."""

from __future__ import annotations

import pytest

from tests.survey.test_dispatch import three_surveys


def test_admin_sets_the_budget_and_everyone_who_sees_triggers_reads_it(survey_app):
    reply = survey_app.call("put", "/v1/contact-rules", role="admin",
                            json={"budget_max_contacts": 1, "budget_days": 14})
    assert reply.status_code == 200, reply.json
    assert reply.json["budget_source"] == "stored"
    assert (reply.json["budget_max_contacts"], reply.json["budget_days"]) == (1, 14)
    assert reply.json["updated_by"] and reply.json["updated_at"].startswith("2026-03-02")
    read = survey_app.call("get", "/v1/contact-rules", role="analyst").json
    assert read == reply.json
    reverted = survey_app.call("delete", "/v1/contact-rules", role="admin")
    assert reverted.status_code == 200
    assert (reverted.json["budget_source"], reverted.json["budget_max_contacts"]) == ("configuration", 2)


@pytest.mark.parametrize("role", ["marketer", "analyst", "team_lead", "ingest", "finance"])
def test_only_admins_change_the_budget(survey_app, role):
    assert survey_app.call("put", "/v1/contact-rules", role=role,
                           json={"budget_max_contacts": 5, "budget_days": 7}).status_code == 403
    assert survey_app.call("delete", "/v1/contact-rules", role=role).status_code == 403
    assert survey_app.call("get", "/v1/contact-rules").json["budget_source"] == "configuration"


@pytest.mark.parametrize("body", [{"budget_max_contacts": 0, "budget_days": 7},
                                  {"budget_max_contacts": 101, "budget_days": 7},
                                  {"budget_max_contacts": 3, "budget_days": 367},
                                  {"budget_max_contacts": 3},
                                  {"budget_max_contacts": "three", "budget_days": 7},
                                  {"budget_max_contacts": 3, "budget_days": 7, "extra": 1}])
def test_a_budget_out_of_bounds_is_a_clear_422(survey_app, body):
    reply = survey_app.call("put", "/v1/contact-rules", role="admin", json=body)
    assert reply.status_code == 422
    assert set(reply.json["errors"]["json"]) & {"budget_max_contacts", "budget_days", "extra"}
    assert survey_app.call("get", "/v1/contact-rules").json["budget_source"] == "configuration"


def test_a_stored_budget_governs_planning_and_dispatch(survey_app):
    """Configuration allows 2 in 7 days (all three would send over a week); the stored 1 in 7 holds two back."""
    three_surveys(survey_app, expires_after_minutes=14 * 24 * 60)
    assert survey_app.call("put", "/v1/contact-rules", role="admin",
                           json={"budget_max_contacts": 1, "budget_days": 7}).status_code == 200
    survey_app.post_event("e1")
    survey_app.match()
    assert sorted(survey_app.dispatch()) == ["postponed", "postponed", "sent"]
    waiting = survey_app.invitations(status="postponed")
    assert all("1 in 7 days" in invitation["reason"] for invitation in waiting)
    survey_app.call("delete", "/v1/contact-rules", role="admin")
    survey_app.clock.advance(days=7)
    assert survey_app.dispatch() == ["sent", "sent"]  # back to 2 in 7 days (the stored 1 would hold one)


def test_the_dry_run_names_the_stored_budget(survey_app):
    survey = survey_app.published_survey(recontact_days=0)
    trigger = survey_app.trigger(survey["id"], expires_after_minutes=60)
    survey_app.call("put", "/v1/contact-rules", role="admin", json={"budget_max_contacts": 1, "budget_days": 30})
    survey_app.post_event("first")
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]
    event = {"id": "second", "type": "order.delivered", "occurred_at": survey_app.clock.now().isoformat(),
             "customer": {"id": "c1", "email": "c1@example.com"}, "attributes": {}}
    preview = survey_app.call("post", f"/v1/triggers/{trigger['id']}/preview", json={"event": event}).json
    assert not preview["would_send"] and preview["stopped_by"] == "budget"
