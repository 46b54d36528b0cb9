"""One event the matcher cannot handle is set aside with its reason; every other event is matched.

The poisoned event is written straight into the table, as a row stored before the contracts bounded
dates would be: the API itself now refuses it (see tests/reliability/test_poison_inputs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from services.survey.models import JourneyEvent, Trigger
from tests.support import ADMIN_KEY, auth


def _poison(survey_app, event_id: str) -> None:
    with survey_app.session() as session:
        session.execute(update(JourneyEvent).where(JourneyEvent.event_id == event_id)
                        .values(occurred_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC)))
        session.commit()


def test_a_poisoned_event_is_set_aside_and_the_rest_are_matched(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    assert survey_app.post_event("bad", customer="a").status_code == 201
    assert survey_app.post_event("good", customer="b").status_code == 201
    _poison(survey_app, "bad")

    assert survey_app.match() == 1  # the good event's invitation, despite the bad event before it
    assert [i["customer_id"] for i in survey_app.invitations()] == ["b"]

    listed = survey_app.client().get("/v1/set-aside", headers=auth(ADMIN_KEY))
    assert listed.status_code == 200, listed.json
    [item] = listed.json
    assert item["kind"] == "event" and item["failures"] == 1 and "OverflowError" in item["reason"]

    # The next pass does not pick the set-aside event up again: nothing waits on it.
    survey_app.post_event("later", customer="c")
    assert survey_app.match() == 1
    assert survey_app.client().get("/v1/set-aside", headers=auth(ADMIN_KEY)).json[0]["failures"] == 1


def test_released_items_go_back_to_their_job(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("bad", customer="a")
    _poison(survey_app, "bad")
    survey_app.match()
    [item] = survey_app.client().get("/v1/set-aside", headers=auth(ADMIN_KEY)).json

    # Only admins see or release set-aside items.
    assert survey_app.call("get", "/v1/set-aside", role="marketer").status_code == 403
    released = survey_app.client().post("/v1/set-aside/release", json={"ids": [item["id"]]},
                                        headers=auth(ADMIN_KEY))
    assert released.status_code == 200 and released.json == {"released": 1}
    assert survey_app.client().get("/v1/set-aside", headers=auth(ADMIN_KEY)).json == []

    # Repaired (here: a plausible date again), the event is matched on the next pass.
    with survey_app.session() as session:
        session.execute(update(JourneyEvent).where(JourneyEvent.event_id == "bad")
                        .values(occurred_at=survey_app.clock.now()))
        session.commit()
    assert survey_app.match() == 1
    assert [i["customer_id"] for i in survey_app.invitations()] == ["a"]


def test_an_invitation_that_fails_to_dispatch_is_set_aside_and_the_next_one_goes_out(survey_app):
    first = survey_app.published_survey(name="first")
    second = survey_app.published_survey(name="second")
    broken = survey_app.trigger(first["id"], priority=10)
    survey_app.trigger(second["id"])
    survey_app.post_event("e1")
    assert survey_app.match() == 2
    # A send window stored before windows were validated: the dispatcher cannot read it.
    with survey_app.session() as session:
        session.execute(update(Trigger).where(Trigger.id == broken["id"]).values(window_start="25:99",
                                                                                  window_end="26:00"))
        session.commit()

    assert sorted(survey_app.dispatch()) == ["sent", "set_aside"]
    assert [s.title for s in survey_app.sent] == ["배송은 어떠셨나요?"]
    [item] = survey_app.client().get("/v1/set-aside", headers=auth(ADMIN_KEY)).json
    held = [i for i in survey_app.invitations() if i["trigger_id"] == broken["id"]]
    assert item["kind"] == "invitation" and item["item_key"] == str(held[0]["id"])
    assert survey_app.dispatch() == []  # not retried every pass


def test_the_cli_lists_and_releases_set_aside_items(tmp_path, monkeypatch):
    import json

    from services.common.clock import SystemClock
    from services.common.migrate import upgrade
    from services.common.set_aside import set_aside
    from services.survey.app import create_app
    from services.survey.config import TestConfig
    from services.survey.models import PLATFORM

    monkeypatch.setenv("CX_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    upgrade("survey")
    app = create_app(TestConfig)
    with app.extensions["db"].engine.begin() as connection:
        set_aside(connection, PLATFORM, service="survey", kind="event", item_key="42",
                  problem=OverflowError("date value out of range"), now=SystemClock().now())
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["set-aside", "list"])
    assert listed.exit_code == 0, listed.output
    [line] = listed.output.splitlines()
    item = json.loads(line)
    assert item["kind"] == "event" and item["item_key"] == "42" and "OverflowError" in item["reason"]
    released = runner.invoke(args=["set-aside", "release", str(item["id"])])
    assert released.exit_code == 0 and "released 1 item(s)" in released.output
    assert runner.invoke(args=["set-aside", "list"]).output.strip() == ""
