"""The backtest decides past windows exactly as the worker does: the real evaluation job runs week by
week over a manual clock, then the backtest runs on the same data, and the decisions, reasons and
notices agree window by window, for each rule kind; and the endpoint's limits and roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select, text

from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.notifier.models.alerts import AlertEpisode, Delivery
from services.notifier.rules.windows import closed_window_end
from tests.notifier.support import FakeMetrics, nps_cell, subscription_body, volume_cell
from tests.support import ADMIN_KEY, auth

WEEK = timedelta(days=7)
SETTLE = timedelta(minutes=10)  # the notifier's default SETTLE_SECONDS, as the API uses it
SETTINGS = EvaluationSettings(settle=SETTLE, data_link_base="http://metrics.test")
WINDOWS = 10
HISTORY = 4  # the rule's baseline windows
DIP = {3, 4, 5}  # windows whose scores (or volumes) dip


class WindowedMetrics(FakeMetrics):
    """Answers compare with the cells of the window its ``end`` names (the same data for both runs)."""

    def __init__(self, cells_by_end: dict[datetime, list[dict]]) -> None:
        super().__init__()
        self.cells_by_end = cells_by_end

    def compare(self, params):
        self.cells = self.cells_by_end[datetime.fromisoformat(params["end"])]
        return super().compare(params)


def nps_counts(seed: int) -> np.ndarray:
    """Promoter/passive/detractor counts per window: NPS 30, dipping to about 5 in the DIP windows."""
    rng = np.random.default_rng(seed)
    mixes = [(0.38, 0.29, 0.33) if k - HISTORY in DIP else (0.5, 0.3, 0.2) for k in range(HISTORY + WINDOWS)]
    return np.array([rng.multinomial(rng.poisson(200), mix) for mix in mixes])


def nps_cells(counts: np.ndarray, k: int, group=None) -> dict:
    i = HISTORY + k
    return nps_cell(tuple(int(c) for c in counts[i]), tuple(int(c) for c in counts[i - HISTORY:i].sum(axis=0)),
                    group=group)


def scenario(kind: str, ends: list[datetime]) -> tuple[dict, dict[datetime, list[dict]]]:
    """The subscription body and the compare cells per window end, for one rule kind."""
    counts = nps_counts(seed=16)
    rule = {"window": "7d", "baseline": "last_n", "baseline_windows": HISTORY, "alpha": 0.05, "min_n": 30}
    if kind == "drop":
        body = subscription_body(rule={**rule, "kind": "drop", "min_drop": 5}, cooldown_minutes=60)
        cells = {end: [nps_cells(counts, k)] for k, end in enumerate(ends)}
    elif kind == "threshold":  # cooldown longer than a window: the second firing window sends nothing
        body = subscription_body(rule={**rule, "kind": "threshold", "target": 22}, cooldown_minutes=8 * 24 * 60)
        cells = {end: [nps_cells(counts, k)] for k, end in enumerate(ends)}
    elif kind == "volume":
        volumes = np.random.default_rng(18).poisson([110 if k in DIP else 200 for k in range(WINDOWS)])
        body = subscription_body(metric="volume", rule={**rule, "kind": "drop", "min_drop": 10},
                                 cooldown_minutes=60)
        cells = {end: [volume_cell(int(volumes[k]), 800, HISTORY)] for k, end in enumerate(ends)}
    else:  # grouped: one episode per touchpoint, only delivery dips
        steady = nps_counts(seed=17)
        steady[HISTORY:] = steady[:HISTORY].repeat(3, axis=0)[:WINDOWS]  # no dip at the store
        body = subscription_body(scope={"touchpoint": ["delivery", "store"], "group_by": ["touchpoint"]},
                                 rule={**rule, "kind": "drop", "min_drop": 5}, cooldown_minutes=60)
        cells = {end: [nps_cells(counts, k, {"touchpoint": "delivery"}),
                       nps_cells(steady, k, {"touchpoint": "store"})] for k, end in enumerate(ends)}
    return body, cells


def worker_decisions(notifier, body: dict, metrics, ends: list[datetime]) -> dict[tuple[str, str], dict]:
    """Run the real evaluation job at each window's decision time; read what it did, per window and group."""
    notifier.clock.set(ends[0] + SETTLE)
    reply = notifier.http.post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY))
    assert reply.status_code == 201, reply.json
    seen: dict[tuple[str, str], dict] = {}
    for end in ends:
        notifier.clock.set(end + SETTLE)
        with notifier.app.extensions["db"].session_factory() as session:
            assert evaluate_due(session, metrics, now=notifier.clock.now(), settings=SETTINGS).evaluated == 1
        for key, snapshot in notifier.connection.execute(select(AlertEpisode.scope_key, AlertEpisode.snapshot)):
            if snapshot["window"]["to"] == end.isoformat():  # decided in this pass
                seen[(end.isoformat(), key)] = {"firing": snapshot["firing"], "reason": snapshot["reason"],
                                                "notice": None}
        delivered = notifier.connection.execute(select(AlertEpisode.scope_key, Delivery.kind, Delivery.created_at)
                                                .join(AlertEpisode, AlertEpisode.id == Delivery.episode_id))
        for key, kind, created in delivered:
            if created.replace(tzinfo=None) == (end + SETTLE).replace(tzinfo=None):  # sent in this pass
                seen[(end.isoformat(), key)]["notice"] = kind
    return seen


@pytest.mark.parametrize("kind", ["drop", "threshold", "volume", "grouped"])
def test_the_backtest_decides_each_window_as_the_worker_did(notifier, kind):
    first = closed_window_end(notifier.clock.now(), WEEK) + WEEK
    ends = [first + WEEK * k for k in range(WINDOWS)]
    body, cells = scenario(kind, ends)
    worker = worker_decisions(notifier, body, WindowedMetrics(cells), ends)
    notifier.app.extensions["notifier_metrics"] = WindowedMetrics(cells)
    backtest = notifier.http.post("/v1/subscriptions/backtest", json={**body, "weeks": WINDOWS},
                                  headers=auth(ADMIN_KEY))
    assert backtest.status_code == 200, backtest.json
    rows = backtest.json["windows"]
    assert [row["end"] for row in rows][:: len(rows) // WINDOWS] == [end.isoformat() for end in ends]
    fired = 0
    for row in rows:
        found = worker.get((row["end"], row["scope_key"]))
        if found is None:  # the worker kept no episode: it decided "not firing" and sent nothing
            assert row["firing"] is False and row["notice"] is None and row["episode"] == "none", row
            continue
        assert (row["firing"], row["reason"], row["notice"]) == (found["firing"], found["reason"], found["notice"])
        fired += row["firing"]
    assert fired == backtest.json["firings"] >= 2  # the dip fires, so the comparison is not vacuous
    assert any(row["episode"] == "resolve" for row in rows)
    assert notifier.connection.execute(text("SELECT count(*) FROM alert_episodes")).scalar() >= 1
    if kind == "threshold":
        assert [row["notice"] for row in rows if row["firing"]][:2] == ["firing", None]


def test_the_backtest_sends_and_stores_nothing_and_returns_the_numbers(notifier):
    ends = [closed_window_end(notifier.clock.now(), WEEK, settle=SETTLE) - WEEK * k for k in range(25, -1, -1)]
    body, cells = scenario("drop", ends[-WINDOWS:])
    cells.update({end: cells[ends[-WINDOWS]] for end in ends[:-WINDOWS]})
    notifier.app.extensions["notifier_metrics"] = metrics = WindowedMetrics(cells)
    lead = notifier.key_for("team_lead", subject="kim")
    reply = notifier.http.post("/v1/subscriptions/backtest", json=body, headers=auth(lead))
    assert reply.status_code == 200, reply.json
    assert reply.json["decided_windows"] == 26 == len(metrics.calls)  # default: the last 26 weeks
    assert reply.json["from"] == (ends[0] - WEEK).isoformat() and reply.json["to"] == ends[-1].isoformat()
    row = next(row for row in reply.json["windows"] if row["firing"])
    assert row["current"]["n"] > 0 and row["baseline"]["ci_low"] < row["baseline"]["value"] < row["baseline"]["ci_high"]
    assert row["episode"] == "open" and row["notice"] == "firing" and row["reason"].startswith("dropped")
    for table in ("subscriptions", "alert_episodes", "alert_deliveries", "outbox_messages"):
        assert notifier.connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_the_backtest_is_bounded_validated_and_for_team_leads(notifier):
    notifier.app.extensions["notifier_metrics"] = metrics = FakeMetrics([])
    body = subscription_body()
    day_rule = {**body["rule"], "window": "1d"}
    too_many = notifier.http.post("/v1/subscriptions/backtest", json={**body, "rule": day_rule, "weeks": 26},
                                  headers=auth(ADMIN_KEY))
    assert too_many.status_code == 422 and "120" in too_many.json["message"] and metrics.calls == []
    low = notifier.http.post("/v1/subscriptions/backtest", json={**body, "rule": {"kind": "low_score"}},
                             headers=auth(ADMIN_KEY))
    assert low.status_code == 422
    half = notifier.http.post("/v1/subscriptions/backtest", json={**body, "from": "2026-01-01T00:00:00+00:00"},
                              headers=auth(ADMIN_KEY))
    assert half.status_code == 422
    span = notifier.http.post("/v1/subscriptions/backtest", headers=auth(ADMIN_KEY), json={
        **body, "from": "2026-01-01T00:00:00+00:00", "to": "2026-02-01T00:00:00+00:00"})
    assert span.status_code == 200 and span.json["decided_windows"] == 3  # Mondays 5, 12, 19, 26 Jan: 3 whole weeks
    for role in ("analyst", "marketer", "service"):
        refused = notifier.http.post("/v1/subscriptions/backtest", json=body, headers=auth(notifier.key_for(role)))
        assert refused.status_code == 403
    metrics.up = False
    down = notifier.http.post("/v1/subscriptions/backtest", json=body, headers=auth(ADMIN_KEY))
    assert down.status_code == 503 and "metrics" in down.json["message"]
