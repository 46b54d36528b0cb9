"""Simulation of the ``drop`` rule as the worker runs it: evaluated every 5 minutes, decided on aligned
windows, with the NPS difference test metrics uses, through the episode state machine.

Pure: no app, no database; fixed seeds. Parameters (also in the reply to issue 7):
weekly windows, 200 responses per window on average (Poisson), stable NPS 30 (50% promoters,
30% passives, 20% detractors), baseline = last 12 windows pooled, min_n 100, minimum drop 3
points, stated level alpha = 0.20 per window; a drop of 10 points moves 5% of answers from
promoters to detractors (45% / 30% / 25%, NPS 20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from services.metrics.stats.nps import nps_difference
from services.notifier.rules.decisions import Comparison, Estimate, drop_decision
from services.notifier.rules.episodes import OpenEpisode, next_step
from services.notifier.rules.windows import closed_window_end

WINDOW = timedelta(days=7)
TICK = timedelta(minutes=5)
SETTLE = timedelta(minutes=10)
DAYS = 90
PER_WINDOW = 200
BASELINE_WINDOWS = 12
ALPHA = 0.20
MIN_DROP = 3.0
MIN_N = 100
STABLE = (0.50, 0.30, 0.20)
DROPPED = (0.45, 0.30, 0.25)
START = datetime(2026, 1, 7, 13, 2, tzinfo=UTC)  # deliberately not on a window boundary


@dataclass
class Outcome:
    """What one simulated subscription did."""

    decisions: int = 0
    firing_decisions: int = 0
    episodes_opened: int = 0
    fired_at: list[datetime] = field(default_factory=list)


def comparison_from_counts(current: np.ndarray, baseline: np.ndarray) -> Comparison:
    """What the evaluation builds from metrics' compare cell for NPS (``test=pooled``): metrics'
    estimates, difference with its interval, and the pooled score test's one-sided p-value."""
    now, before = tuple(int(c) for c in current), tuple(int(c) for c in baseline)
    change = nps_difference(now, before, alternative="less", min_n=0, test="pooled")
    return Comparison(current=Estimate(change.parts["current"], None, None, sum(now)),
                      baseline=Estimate(change.parts["previous"], None, None, sum(before)),
                      difference=Estimate(change.value, change.ci_low, change.ci_high, sum(now) + sum(before)),
                      p_value=change.parts["p_value"])


def window_counts(rng: np.random.Generator, windows: int, mix_of) -> np.ndarray:
    """Promoter/passive/detractor counts per window; ``mix_of(k)`` gives window k's mix."""
    sizes = rng.poisson(PER_WINDOW, size=windows)
    return np.array([rng.multinomial(size, mix_of(k)) for k, size in enumerate(sizes)])


def run_subscription(counts: np.ndarray, first_window_start: datetime,
                     schedule: list[tuple[datetime, datetime]]) -> Outcome:
    """Evaluate at every tick; decide only when a new aligned window closed."""
    outcome, episode, decided = Outcome(), None, None
    for now, end in schedule:
        firing = None
        if end != decided:
            decided = end
            k = int((end - first_window_start) / WINDOW) - 1  # index of the window [end - w, end)
            if k >= 1:
                baseline = counts[max(0, k - BASELINE_WINDOWS):k].sum(axis=0)
                decision = drop_decision(comparison_from_counts(counts[k], baseline),
                                         alpha=ALPHA, min_drop=MIN_DROP, min_n=MIN_N)
                firing = decision.firing
                outcome.decisions += 1
                outcome.firing_decisions += firing
                if firing:
                    outcome.fired_at.append(now)
        if firing is None and episode is None:
            continue  # nothing can happen: no decision and no open episode
        step = next_step(episode, firing, now=now, cooldown=timedelta(hours=24), muted=False)
        if step.action == "open":
            outcome.episodes_opened += 1
            episode = OpenEpisode(opened_at=now, notified_at=now)
        elif step.action == "resolve":
            episode = None
        elif step.notice == "repeat":
            episode = OpenEpisode(opened_at=episode.opened_at, notified_at=now)
    return outcome


def ticks_between(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Every 5-minute evaluation time with the aligned window end it sees (computed once, shared)."""
    count = int((end - start) / TICK)
    moments = [start + i * TICK for i in range(count + 1)]
    return [(now, closed_window_end(now, WINDOW, settle=SETTLE)) for now in moments]


def stable_runs(runs: int, seed: int) -> list[Outcome]:
    """90 days of stable scores, with a full baseline history before the first tick."""
    rng = np.random.default_rng(seed)
    first_window_start = closed_window_end(START, WINDOW) - BASELINE_WINDOWS * WINDOW
    windows = BASELINE_WINDOWS + DAYS // 7 + 2
    ticks = ticks_between(START, START + timedelta(days=DAYS))
    return [run_subscription(window_counts(rng, windows, lambda k: STABLE), first_window_start, ticks)
            for _ in range(runs)]


def drop_runs(runs: int, seed: int) -> list[tuple[datetime, Outcome]]:
    """Stable history, then a 10-point drop from a window boundary on; ticks until one window after."""
    rng = np.random.default_rng(seed)
    change = closed_window_end(START, WINDOW) + WINDOW
    first_window_start = change - BASELINE_WINDOWS * WINDOW
    ticks = ticks_between(change - timedelta(days=2), change + WINDOW + SETTLE + TICK)
    mix = lambda k: STABLE if k < BASELINE_WINDOWS else DROPPED  # noqa: E731
    return [(change, run_subscription(window_counts(rng, BASELINE_WINDOWS + 2, mix), first_window_start, ticks))
            for _ in range(runs)]


def test_stable_scores_raise_no_more_false_alerts_than_the_stated_level():
    outcomes = stable_runs(runs=300, seed=20261123)
    decisions = sum(o.decisions for o in outcomes)
    fired = sum(o.firing_decisions for o in outcomes)
    opened = sum(o.episodes_opened for o in outcomes)
    # one decision per closed week (the one closed before the start, then 13 in 90 days),
    # however often it was evaluated: 25,921 evaluations each
    assert decisions == 300 * 14
    rate = fired / decisions
    standard_error = np.sqrt(ALPHA * (1 - ALPHA) / decisions)
    # the true rate of a level-alpha test is <= alpha; allow 2 standard errors of sampling noise
    assert rate <= ALPHA + 2 * standard_error, rate
    assert opened / decisions <= rate  # episodes never outnumber firing decisions
    print(f"false-alert rate per window {rate:.3f} (episodes {opened / decisions:.3f}) "
          f"over {decisions} decisions")


def test_a_ten_point_drop_is_detected_within_one_window_in_80_percent_of_runs():
    results = drop_runs(runs=1000, seed=7)
    detected = sum(1 for change, o in results
                   if any(change < moment <= change + WINDOW + SETTLE + TICK for moment in o.fired_at))
    power = detected / len(results)
    assert power >= 0.80, power
    print(f"detected within one window in {power:.1%} of runs")


@pytest.mark.parametrize("every", [timedelta(minutes=1), timedelta(minutes=5), timedelta(hours=6)])
def test_the_number_of_decisions_does_not_depend_on_the_evaluation_frequency(every):
    ends = {closed_window_end(START + i * every, WINDOW, settle=SETTLE)
            for i in range(int(timedelta(days=28) / every))}
    assert len(ends) in (4, 5)
