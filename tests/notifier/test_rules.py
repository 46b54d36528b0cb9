"""The pure rule functions: aligned windows, decisions, the episode state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.notifier.rules.decisions import Comparison, Estimate, drop_decision, threshold_decision
from services.notifier.rules.episodes import OpenEpisode, next_step
from services.notifier.rules.windows import closed_window_end
from services.notifier.snapshots import comparison_of, decide
from tests.notifier.support import nps_cell, volume_cell

T = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
HOUR = timedelta(hours=1)


def test_weekly_windows_close_on_mondays_after_the_settle_time():
    assert closed_window_end(T, timedelta(days=7)) == datetime(2026, 3, 2, tzinfo=UTC)
    monday = datetime(2026, 3, 9, 0, 5, tzinfo=UTC)
    assert closed_window_end(monday, timedelta(days=7), settle=timedelta(minutes=10)) == datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        closed_window_end(T, timedelta(0))


def comparison(change, p, n=200):
    return Comparison(Estimate(20, 15, 25, n), Estimate(30, 28, 32, n), Estimate(change, None, None, 2 * n), p)


def test_a_drop_needs_significance_size_and_sample():
    assert drop_decision(comparison(-10, 0.01), alpha=0.05, min_drop=5, min_n=30).firing
    assert not drop_decision(comparison(-10, 0.2), alpha=0.05, min_drop=5, min_n=30).firing
    assert not drop_decision(comparison(-3, 0.01), alpha=0.05, min_drop=5, min_n=30).firing
    assert not drop_decision(comparison(-10, 0.01, n=10), alpha=0.05, min_drop=5, min_n=30).firing


def test_threshold_uses_the_upper_bound_not_the_point_value():
    assert not threshold_decision(Estimate(20, 10, 31, 100), target=30, min_n=30).firing
    assert threshold_decision(Estimate(25, 20, 29, 100), target=30, min_n=30).firing


def test_the_decision_reads_metrics_pooled_test():
    cell = nps_cell((45, 30, 25), (50, 30, 20))
    subscription = SimpleNamespace(metric="nps", rule={"kind": "drop", "alpha": 0.05, "min_drop": 5, "min_n": 30})
    comparison = comparison_of(subscription, cell)
    assert comparison.difference.value == pytest.approx(-10.0) and comparison.p_value == cell["p_value"]
    assert cell["test"] == "pooled_score_z" and 0 < comparison.p_value < 0.5


def test_the_volume_decision_reads_metrics_counts_and_test():
    """Volume is tested in metrics (stats.counts); the rule decides on what the cell says."""
    subscription = SimpleNamespace(metric="volume", rule={"kind": "drop", "alpha": 0.05, "min_drop": 10, "min_n": 30})
    halved = volume_cell(100, 800, 4)
    comparison = comparison_of(subscription, halved)
    assert (comparison.current.n, comparison.baseline.n, comparison.difference.value) == (100, 800, -100.0)
    assert comparison.p_value == halved["p_value"] < 0.001 and decide(subscription, halved)[0].firing
    assert not decide(subscription, volume_cell(195, 800, 4))[0].firing  # 5 fewer: under min_drop, not significant
    assert not decide(subscription, volume_cell(20, 20, 4))[0].firing    # a steep drop on too few answers
    threshold = SimpleNamespace(metric="volume", rule={"kind": "threshold", "target": 15, "alpha": 0.05, "min_n": 0})
    cell = volume_cell(10, 40, 4, confidence=0.9)  # Garwood 90 % upper bound of 10: 16.96, not under 15
    assert cell["current"]["ci_high"] == pytest.approx(16.962, abs=1e-3) and not decide(threshold, cell)[0].firing
    assert decide(threshold, volume_cell(8, 40, 4, confidence=0.9))[0].firing  # upper bound 14.43


def test_episode_steps():
    assert next_step(None, True, now=T, cooldown=HOUR, muted=False).notice == "firing"
    assert next_step(None, True, now=T, cooldown=HOUR, muted=True).notice is None
    opened = OpenEpisode(T, T)
    assert next_step(opened, None, now=T + HOUR / 2, cooldown=HOUR, muted=False).notice is None
    assert next_step(opened, True, now=T + HOUR, cooldown=HOUR, muted=False).notice == "repeat"
    assert next_step(opened, False, now=T, cooldown=HOUR, muted=False).notice == "resolved"
    silent = OpenEpisode(T, None)  # opened while muted: nothing to resolve aloud
    assert next_step(silent, False, now=T, cooldown=HOUR, muted=False).notice is None
    assert next_step(silent, None, now=T, cooldown=HOUR, muted=False).notice == "firing"
