"""Contact rules at send time with a manual clock: recontact, budget, priority, retries, reminders, expiry."""

from __future__ import annotations

from services.survey.delivery import DeliveryError, PermanentDeliveryError


def three_surveys(survey_app, **trigger_fields):
    triggers = []
    for priority in (0, 5, 10):
        survey = survey_app.published_survey(name=f"s{priority}")
        triggers.append(survey_app.trigger(survey["id"], priority=priority, **trigger_fields))
    return triggers


def test_recontact_window_suppresses_the_same_survey(survey_app):
    survey = survey_app.published_survey(recontact_days=30)
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]
    survey_app.clock.advance(days=10)
    survey_app.post_event("e2", occurred_at=survey_app.clock.now())
    survey_app.match()
    [second] = survey_app.invitations(status="suppressed")
    assert "within 30 days" in second["reason"]
    survey_app.clock.advance(days=21)
    survey_app.post_event("e3", occurred_at=survey_app.clock.now())
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]


def test_two_pending_invitations_of_one_survey_send_only_once(survey_app):
    survey = survey_app.published_survey(recontact_days=30)
    survey_app.trigger(survey["id"], delay_minutes=60)
    survey_app.post_event("e1", attributes={"order_id": "1"})
    survey_app.post_event("e2", attributes={"order_id": "2"})
    survey_app.match()
    survey_app.clock.advance(hours=1)
    assert survey_app.dispatch() == ["sent", "suppressed_recontact"]


def test_budget_full_postpones_until_a_slot_frees(survey_app):
    three_surveys(survey_app, expires_after_minutes=14 * 24 * 60)
    survey_app.post_event("e1")
    survey_app.match()
    assert sorted(survey_app.dispatch()) == ["postponed", "sent", "sent"]
    [waiting] = survey_app.invitations(status="postponed")
    assert waiting["priority"] == 0 and "budget" in waiting["reason"]
    assert waiting["due_at"].startswith("2026-03-09T00:00")
    survey_app.clock.advance(days=6, hours=23)
    assert survey_app.dispatch() == []
    survey_app.clock.advance(hours=1)
    assert survey_app.dispatch() == ["sent"]
    decisions = survey_app.call("get", f"/v1/invitations/{waiting['id']}").json["decisions"]
    assert [d["decision"] for d in decisions] == ["scheduled", "postponed", "sent"]


def test_budget_postponement_past_expiry_expires(survey_app):
    three_surveys(survey_app, expires_after_minutes=2 * 24 * 60)
    survey_app.post_event("e1")
    survey_app.match()
    assert sorted(survey_app.dispatch()) == ["expired", "sent", "sent"]
    [expired] = survey_app.invitations(status="expired")
    assert "budget" in expired["reason"]


def test_full_budget_at_match_time_postpones_the_newcomer(survey_app):
    low, middle, high = three_surveys(survey_app, expires_after_minutes=20 * 24 * 60)
    survey_app.call("patch", f"/v1/triggers/{low['id']}", json={"event_type": "order.placed"})
    survey_app.call("patch", f"/v1/triggers/{high['id']}", json={"event_type": "ticket.closed"})
    survey_app.post_event("x1", type_="order.delivered")  # middle
    survey_app.post_event("x2", type_="order.placed")  # low
    survey_app.match()
    assert survey_app.dispatch() == ["sent", "sent"]  # budget now full (2 in 7 days)
    survey_app.clock.advance(days=1)
    survey_app.post_event("y1", type_="order.placed", occurred_at=survey_app.clock.now(), attributes={"n": 1})
    survey_app.match()
    survey_app.clock.advance(days=1)
    survey_app.post_event("y2", type_="ticket.closed", occurred_at=survey_app.clock.now())
    survey_app.match()
    postponed = {i["priority"]: i for i in survey_app.invitations(status="postponed")}
    assert set(postponed) == {10}  # the low one was suppressed by recontact; high waits for the budget
    assert survey_app.invitations(status="suppressed")[0]["priority"] == 0


def test_priority_breaks_ties_when_slots_free(survey_app):
    low, _, high = three_surveys(survey_app, expires_after_minutes=20 * 24 * 60)
    survey_app.call("patch", f"/v1/triggers/{low['id']}", json={"event_type": "a.b"})
    survey_app.call("patch", f"/v1/triggers/{high['id']}", json={"event_type": "a.b"})
    survey_app.post_event("m1")  # the middle survey, sent now
    survey_app.match()
    assert survey_app.dispatch() == ["sent"]
    survey_app.post_event("ab1", type_="a.b")  # low and high both due, one slot left
    survey_app.match()
    assert survey_app.dispatch() == ["sent", "postponed"]
    assert survey_app.invitations(status="sent", survey_id=high["survey_id"])
    [waiting] = survey_app.invitations(status="postponed")
    assert waiting["survey_id"] == low["survey_id"] and waiting["due_at"].startswith("2026-03-09")


def test_retries_with_backoff_then_sent_and_permanent_failure_is_visible(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    failures = {"left": 2}

    def flaky(outgoing):
        if failures["left"]:
            failures["left"] -= 1
            raise DeliveryError("smtp down")
        survey_app.sent.append(outgoing)

    survey_app.senders = {"email": flaky}
    survey_app.post_event("e1")
    survey_app.match()
    assert survey_app.dispatch() == ["retry"]
    assert survey_app.dispatch() == []  # backing off
    survey_app.clock.advance(minutes=1)
    assert survey_app.dispatch() == ["retry"]
    survey_app.clock.advance(minutes=5)
    assert survey_app.dispatch() == ["sent"]

    def refuse(outgoing):
        raise PermanentDeliveryError("mailbox does not exist")

    survey_app.senders = {"email": refuse}
    survey_app.post_event("e2", customer="c2")
    survey_app.match()
    assert survey_app.dispatch() == ["failed"]
    [failed] = survey_app.invitations(status="failed")
    assert "mailbox does not exist" in failed["last_error"]


def test_reminder_reuses_the_link_once_and_skips_answered(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], reminder_after_minutes=2 * 24 * 60)
    survey_app.post_event("e1")
    survey_app.post_event("e2", customer="c2")
    survey_app.match()
    assert survey_app.dispatch() == ["sent", "sent"]
    survey_app.clock.advance(days=1)
    assert survey_app.remind() == []
    from services.survey.models import Invitation
    with survey_app.session() as session:
        answered = session.query(Invitation).filter_by(customer_id="c2").one()
        answered.responded_at = survey_app.clock.now()
        session.commit()
    survey_app.clock.advance(days=1)
    assert sorted(survey_app.remind()) == ["reminded", "reminder_skipped"]
    original, reminder = [o for o in survey_app.sent if o.customer_id == "c1"]
    assert reminder.reminder and not original.reminder
    assert reminder.survey_url == original.survey_url
    survey_app.clock.advance(days=1)
    assert survey_app.remind() == []


def test_expiry_of_unsent_and_unanswered_invitations(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], expires_after_minutes=24 * 60)
    survey_app.post_event("e1")
    survey_app.match()
    survey_app.dispatch()
    survey_app.clock.advance(days=1)
    assert survey_app.expire() == 1
    [expired] = survey_app.invitations()
    assert expired["status"] == "expired" and expired["reason"] == "expired unanswered"


def test_unsubscribed_customer_is_not_sent(survey_app):
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"], delay_minutes=60)
    survey_app.post_event("e1")
    survey_app.post_event("e2", customer="c2")
    survey_app.match()
    reply = survey_app.call("post", "/v1/customers/c1/unsubscribe", role="ingest")
    assert reply.status_code == 200 and reply.json["cancelled_invitations"] == 1
    survey_app.clock.advance(hours=1)
    assert survey_app.dispatch() == ["sent"]
    assert {i["customer_id"]: i["status"] for i in survey_app.invitations()} == {"c1": "unsubscribed", "c2": "sent"}


def test_the_invitation_is_claimed_and_committed_before_the_channel_sends(survey_app):
    """The channel runs with no transaction of the dispatcher open: what it finds is the committed claim."""
    from datetime import timedelta

    from sqlalchemy import select

    from services.survey.models import Invitation
    from tests.survey.conftest import T0

    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1")
    survey_app.match()
    seen = []

    def sender(outgoing):
        with survey_app.session() as other:
            invitation = other.scalar(select(Invitation).where(Invitation.id == outgoing.invitation_id))
            seen.append((invitation.status, invitation.sent_at, invitation.due_at))

    survey_app.senders = {"email": sender}
    assert survey_app.dispatch() == ["sent"]
    assert seen == [("scheduled", T0, T0 + timedelta(minutes=2))]  # in flight: counted, leased


def test_a_worker_that_dies_while_sending_leaves_the_invitation_to_the_next_after_the_lease(survey_app):

    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1")
    survey_app.match()

    def dying(outgoing):
        raise SystemExit("worker killed mid-send")

    survey_app.senders = {"email": dying}
    try:
        survey_app.dispatch()
    except SystemExit:
        pass
    survey_app.senders = {}
    assert survey_app.dispatch() == []  # still leased to the dead worker
    survey_app.clock.advance(minutes=3)
    # Its own unfinished send neither blocks it (recontact) nor spends the budget twice.
    assert survey_app.dispatch() == ["sent"]
    [invitation] = survey_app.invitations()
    assert invitation["status"] == "sent" and invitation["sent_at"].startswith("2026-03-02T00:03")
