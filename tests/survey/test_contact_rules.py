"""Contact rules: the pure budget functions, and a Hypothesis property over the whole pipeline:
no customer ever receives more than K invitations in any D-day window."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.survey.contact_rules import ContactPolicy, budget_free_at, budget_room, recontact_blocked
from services.survey.models import Invitation
from tests.survey.conftest import T0

POLICY = ContactPolicy(max_contacts=2, days=7)


def test_budget_free_at_and_room():
    day = timedelta(days=1)
    assert budget_free_at([], POLICY, T0) is None
    assert budget_room([T0 - day], POLICY, T0) == 1
    assert budget_free_at([T0 - day, T0 - 2 * day], POLICY, T0) == T0 + 5 * day
    assert budget_free_at([T0 - 7 * day, T0 - day], POLICY, T0) is None  # the window is half-open
    assert recontact_blocked(T0 - 29 * day, 30, T0) and not recontact_blocked(T0 - 30 * day, 30, T0)


def max_in_any_window(times, days):
    """The most sends inside any half-open window [s, s + days) (it suffices to start at a send)."""
    ordered = sorted(times)
    return max((sum(1 for t in ordered if start <= t < start + timedelta(days=days)) for start in ordered), default=0)


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20 * 24 * 60), st.integers(0, 2)),
                min_size=1, max_size=14))
def test_pure_greedy_scheduler_never_exceeds_the_budget(requests):
    sent: list = []
    for _, minute, _ in sorted(requests, key=lambda r: r[1]):
        now = T0 + timedelta(minutes=minute)
        free = budget_free_at(sent, POLICY, now)
        sent.append(now if free is None else free)
        sent.sort()
        assert max_in_any_window(sent, POLICY.days) <= POLICY.max_contacts


_example = {"n": 0}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 12 * 24 * 60), st.integers(0, 2)),
                min_size=1, max_size=12))
def test_pipeline_never_sends_more_than_k_in_d_days(budget_pipeline, requests):
    survey_app, triggers = budget_pipeline
    _example["n"] += 1
    prefix = f"h{_example['n']}-"
    survey_app.clock.set(T0)
    requests = sorted(requests, key=lambda r: r[1])
    for index, (person, minute, which) in enumerate(requests):
        moment = T0 + timedelta(minutes=minute)
        survey_app.clock.set(moment)
        reply = survey_app.post_event(f"{prefix}{index}", customer=f"{prefix}{person}", type_=triggers[which],
                                      occurred_at=moment, attributes={"n": index})
        assert reply.status_code == 201
        survey_app.match()
        survey_app.dispatch()
    moment = survey_app.clock.now()
    while moment < T0 + timedelta(days=40):
        moment += timedelta(hours=6)
        survey_app.clock.set(moment)
        survey_app.dispatch()
    with survey_app.session() as session:
        rows = session.execute(select(Invitation.customer_id, Invitation.sent_at).where(
            Invitation.customer_id.like(f"{prefix}%"), Invitation.sent_at.is_not(None))).all()
    by_customer: dict[str, list] = {}
    for customer_id, sent_at in rows:
        by_customer.setdefault(customer_id, []).append(sent_at)
    for times in by_customer.values():
        assert max_in_any_window(times, POLICY.days) <= POLICY.max_contacts
    assert rows, "at least one invitation goes out"


def test_one_reachability_rule_for_planning_dispatch_and_reminders():
    from datetime import UTC, datetime

    from services.survey.contact_rules import unreachable

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    base = {"unsubscribed_at": None, "erased_at": None, "email": "a@example.com"}
    assert unreachable(**base, channel="email") is None
    assert unreachable(**{**base, "unsubscribed_at": moment}, channel="webhook") == "unsubscribed"
    assert unreachable(**{**base, "erased_at": moment}, channel="in_app") == "unsubscribed"
    assert unreachable(**{**base, "email": None}, channel="email") == "no_email"
    assert unreachable(**{**base, "email": None}, channel="webhook") is None
