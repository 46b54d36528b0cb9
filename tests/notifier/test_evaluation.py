"""Evaluation of due subscriptions with a fake metrics service: episodes open once, repeat after
the cooldown, resolve once, stay quiet while muted, and metrics being down fires nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from services.notifier.evaluation import EvaluationSettings, evaluate_due
from tests.notifier.support import FakeMetrics, nps_cell, signal_body, subscription_body, volume_cell
from tests.support import ADMIN_KEY, auth

DROP = nps_cell((60, 40, 100), (400, 300, 100))      # NPS -20 against +37.5
STABLE = nps_cell((100, 60, 40), (400, 240, 160))    # NPS 30 against 30
SETTINGS = EvaluationSettings(settle=timedelta(minutes=10), retry=timedelta(minutes=2),
                              interval=timedelta(minutes=1), data_link_base="http://metrics.test")


@pytest.fixture
def evaluate(notifier):
    def run(metrics):
        with notifier.app.extensions["db"].session_factory() as session:
            return evaluate_due(session, metrics, now=notifier.clock.now(), settings=SETTINGS)
    return run


def kinds(notifier):
    return [row.kind for row in notifier.connection.execute(text(
        "SELECT kind FROM alert_deliveries ORDER BY id"))]


def subscribe(notifier, **overrides):
    reply = notifier.http.post("/v1/subscriptions", json=subscription_body(**overrides), headers=auth(ADMIN_KEY))
    assert reply.status_code == 201, reply.json
    return reply.json


def test_a_drop_opens_one_episode_repeats_after_cooldown_and_resolves_once(notifier, evaluate):
    subscribe(notifier)
    metrics = FakeMetrics([DROP])
    assert evaluate(metrics).notices == 1
    assert metrics.calls[0]["alternative"] == "less" and metrics.calls[0]["touchpoint"] == "delivery"
    notifier.clock.advance(minutes=10)
    evaluate(metrics)
    decisions = [call for call in metrics.calls if "explain" not in call]  # the others explain the notice
    assert len(decisions) == 1  # same window: no new question to metrics, no new notice
    assert [call["explain"] for call in metrics.calls if "explain" in call] == ["channel"]
    assert kinds(notifier) == ["firing"]
    notifier.clock.advance(minutes=55)
    evaluate(metrics)
    assert kinds(notifier) == ["firing", "repeat"]
    metrics.cells = [STABLE]
    notifier.clock.advance(days=7)
    evaluate(metrics)
    notifier.clock.advance(minutes=5)
    evaluate(metrics)
    assert kinds(notifier) == ["firing", "repeat", "resolved"]
    alerts = notifier.http.get("/v1/alerts", headers=auth(ADMIN_KEY)).json["episodes"]
    assert len(alerts) == 1 and alerts[0]["state"] == "resolved" and alerts[0]["notices"] == 3
    snapshot = alerts[0]["snapshot"]
    assert snapshot["current"]["n"] == 200 and snapshot["firing"] is False  # the recovered numbers


def test_the_firing_notice_carries_numbers_keywords_trend_and_link(notifier, evaluate):
    subscribe(notifier)
    evaluate(FakeMetrics([DROP]))
    payload = notifier.connection.execute(text("SELECT payload FROM outbox_messages")).scalar()
    notice = (payload if isinstance(payload, dict) else __import__("json").loads(payload))["notice"]
    assert notice["kind"] == "firing" and notice["difference"]["value"] == pytest.approx(-57.5)
    assert notice["baseline"]["n"] == 800 and notice["keywords"] == ["배송", "포장"]
    assert len(notice["trend"]) == 4 and notice["link"].startswith("http://metrics.test/v1/scores/compare?")


def test_nothing_is_sent_while_muted(notifier, evaluate):
    subscribe(notifier, muted_until=(notifier.clock.now() + timedelta(days=30)).isoformat())
    metrics = FakeMetrics([DROP])
    evaluate(metrics)
    notifier.clock.advance(hours=5)
    evaluate(metrics)
    assert kinds(notifier) == []
    assert notifier.http.get("/v1/alerts", headers=auth(ADMIN_KEY)).json["episodes"][0]["state"] == "firing"


def test_metrics_down_delays_evaluation_and_fires_nothing(notifier, evaluate):
    created = subscribe(notifier)
    metrics = FakeMetrics([DROP])
    metrics.up = False
    result = evaluate(metrics)
    assert result.delayed == 1 and kinds(notifier) == []
    after = notifier.http.get(f"/v1/subscriptions/{created['id']}", headers=auth(ADMIN_KEY)).json
    assert "metrics unavailable" in after["last_error"]
    metrics.up = True
    assert evaluate(metrics).evaluated == 0  # not due again before the retry delay
    notifier.clock.advance(minutes=3)
    evaluate(metrics)
    assert kinds(notifier) == ["firing"]


class WatchingMetrics(FakeMetrics):
    """Notes, at every call, whether the evaluating session had a transaction open (row locks)."""

    def __init__(self, session, cells) -> None:
        super().__init__(cells)
        self.session = session
        self.in_transaction: list[bool] = []

    def compare(self, params):
        self.in_transaction.append(self.session.in_transaction())
        return super().compare(params)

    def trend(self, params):
        self.in_transaction.append(self.session.in_transaction())
        return super().trend(params)

    def keywords(self, params):
        self.in_transaction.append(self.session.in_transaction())
        return super().keywords(params)


def test_metrics_is_asked_with_no_transaction_open_and_the_subscription_leased(notifier):
    created = subscribe(notifier)
    with notifier.app.extensions["db"].session_factory() as session:
        metrics = WatchingMetrics(session, [DROP])
        leased = []
        original = metrics.compare

        def compare(params):
            leased.append(notifier.connection.execute(text(
                "SELECT next_evaluation_at FROM subscriptions WHERE id = :id"), {"id": created["id"]}).scalar())
            return original(params)
        metrics.compare = compare
        result = evaluate_due(session, metrics, now=notifier.clock.now(), settings=SETTINGS)
    assert result.notices == 1 and kinds(notifier) == ["firing"]
    # compare, keywords, trend, and the compare that explains the drop
    assert len(metrics.in_transaction) == 4 and not any(metrics.in_transaction)
    lease_end = leased[0]
    assert len(leased) == 2 and leased[1] == lease_end  # the decision and the explanation, both under the lease
    lease_end = lease_end if isinstance(lease_end, datetime) else datetime.fromisoformat(str(lease_end))
    assert lease_end.replace(tzinfo=UTC) == notifier.clock.now() + SETTINGS.lease


class WorkerKilled(BaseException):
    """The worker process dying between the claim and the write."""


def test_a_worker_that_dies_after_the_claim_leaves_the_subscription_to_the_next_after_the_lease(notifier, evaluate):
    subscribe(notifier)
    dying = FakeMetrics([DROP])

    def killed(params):
        raise WorkerKilled()
    dying.compare = killed
    with pytest.raises(WorkerKilled):
        evaluate(dying)
    metrics = FakeMetrics([DROP])
    assert evaluate(metrics).evaluated == 0 and metrics.calls == []  # still leased to the dead worker
    notifier.clock.advance(seconds=SETTINGS.lease.total_seconds())
    assert evaluate(metrics).notices == 1 and kinds(notifier) == ["firing"]


def test_small_or_insignificant_changes_do_not_fire(notifier, evaluate):
    subscribe(notifier)
    evaluate(FakeMetrics([nps_cell((20, 5, 5), (400, 300, 100))]))  # n below min_n
    notifier.clock.advance(days=7)
    evaluate(FakeMetrics([STABLE]))
    assert kinds(notifier) == []


def test_threshold_fires_only_when_the_upper_bound_is_under_the_target(notifier, evaluate):
    subscribe(notifier, rule={"kind": "threshold", "target": 40, "alpha": 0.05, "min_n": 30})
    metrics = FakeMetrics([STABLE])  # value 30, interval [25, 35]: confidently under 40
    evaluate(metrics)
    assert metrics.calls[0]["confidence"] == pytest.approx(0.9)
    assert kinds(notifier) == ["firing"]


def test_volume_drop_uses_the_answer_counts(notifier, evaluate):
    subscribe(notifier, metric="volume", rule={"kind": "drop", "baseline": "last_n", "baseline_windows": 4,
                                               "alpha": 0.05, "min_drop": 10, "min_n": 0})
    metrics = FakeMetrics([volume_cell(200, 800, 4)])  # 200 vs 800/4 = 200: no drop
    evaluate(metrics)
    assert (metrics.calls[0]["metric"], metrics.calls[0]["volume_of"]) == ("volume", "nps")
    notifier.clock.advance(days=7)
    evaluate(FakeMetrics([volume_cell(100, 800, 4)]))   # 100 vs 200 per window
    assert kinds(notifier) == ["firing"]


def test_volume_threshold_reads_metrics_garwood_bound(notifier, evaluate):
    subscribe(notifier, metric="volume", rule={"kind": "threshold", "target": 60, "alpha": 0.05, "min_n": 0})
    metrics = FakeMetrics([volume_cell(45, 800, 4, confidence=0.9)])  # Garwood 90 %: [34.6, 57.7], under 60
    evaluate(metrics)
    assert metrics.calls[0]["confidence"] == pytest.approx(0.9) and metrics.calls[0]["metric"] == "volume"
    assert kinds(notifier) == ["firing"]


def test_a_digest_collects_low_scores_every_n_minutes(notifier, evaluate):
    subscribe(notifier, rule={"kind": "low_score", "digest_minutes": 30})
    for _ in range(3):
        notifier.http.post("/v1/signals", json=signal_body(), headers=auth(ADMIN_KEY))
    evaluate(FakeMetrics())
    assert kinds(notifier) == []  # not due yet
    notifier.clock.advance(minutes=31)
    evaluate(FakeMetrics())
    assert kinds(notifier) == ["digest"]
    notifier.clock.advance(minutes=31)
    evaluate(FakeMetrics())
    assert kinds(notifier) == ["digest"]  # nothing new, nothing sent


def test_a_digest_holds_every_signal_in_scope_beyond_one_page(notifier, evaluate):
    subscribe(notifier, rule={"kind": "low_score", "digest_minutes": 30},
              scope={"touchpoint": ["delivery"], "dimension": ["feel"]})
    in_scope = 537  # more than one page of 500
    sent = set()
    for i in range(in_scope + 60):
        dimension = "feel" if i < in_scope else "act"  # the last 60 are outside the scope
        body = signal_body(answers=[{"question_key": "q9", "type": "nps", "value": 2, "dimension": dimension}])
        assert notifier.http.post("/v1/signals", json=body, headers=auth(ADMIN_KEY)).status_code == 200
        if dimension == "feel":
            sent.add(body["response_id"])
        if i % 200 == 199:
            notifier.clock.advance(seconds=1)  # pages cut through runs of equal received_at
    notifier.clock.advance(minutes=31)
    evaluate(FakeMetrics())
    payload = notifier.connection.execute(text("SELECT payload FROM outbox_messages")).scalar_one()
    notice = (payload if isinstance(payload, dict) else __import__("json").loads(payload))["notice"]
    assert {item["response_id"] for item in notice["signals"]} == sent
    assert len(notice["signals"]) == in_scope and notice["reason"] == f"{in_scope} low scores"


def test_a_subscription_that_cannot_be_read_back_is_set_aside_and_the_others_are_evaluated(notifier, evaluate):
    poisoned = subscribe(notifier, name="stored before windows were bounded")
    healthy = subscribe(notifier, name="healthy")
    # What the API stored for "9999w" before windows had a maximum: a window its reader refuses.
    notifier.connection.execute(text("UPDATE subscriptions SET rule = :rule WHERE id = :id"),
                                {"rule": '{"kind": "drop", "window": "69993d", "alpha": 0.05, "min_drop": 5, '
                                         '"min_n": 30, "baseline_windows": 12}', "id": poisoned["id"]})
    metrics = FakeMetrics([DROP])
    result = evaluate(metrics)
    assert result.set_aside == 1 and result.notices == 1  # the healthy subscription still fired
    [item] = notifier.http.get("/v1/set-aside", headers=auth(ADMIN_KEY)).json
    assert item["kind"] == "subscription" and item["item_key"] == poisoned["id"]
    assert "69993d" in item["reason"] or "duration" in item["reason"]
    assert healthy["id"] != item["item_key"]

    notifier.clock.advance(minutes=1)
    assert evaluate(metrics).set_aside == 0  # not tried again until released or changed

    fixed = notifier.http.patch(f"/v1/subscriptions/{poisoned['id']}", headers=auth(ADMIN_KEY),
                                json={"rule": {"kind": "drop", "window": "7d"}})
    assert fixed.status_code == 200, fixed.json
    assert notifier.http.get("/v1/set-aside", headers=auth(ADMIN_KEY)).json == []
    calls_before = len(metrics.calls)
    evaluate(metrics)
    assert len(metrics.calls) > calls_before  # the changed subscription is evaluated again


def test_windows_longer_than_the_maximum_are_refused_when_saved(notifier):
    reply = notifier.http.post("/v1/subscriptions", headers=auth(ADMIN_KEY),
                               json=subscription_body(rule={"kind": "drop", "window": "9999w"}))
    assert reply.status_code == 422 and "window" in str(reply.json["errors"])
