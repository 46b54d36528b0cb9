"""Shift-share decomposition of a score change: the parts add up, and a one-segment drop is found."""

from __future__ import annotations

import numpy as np
import pytest

from services.metrics.stats.shift_share import bootstrap_shift_share, shift_share

NPS_POINTS = np.array([-100.0] * 7 + [0.0] * 2 + [100.0] * 2)  # answers 0..10
CSAT_POINTS = np.array([0.0, 0.0, 0.0, 100.0, 100.0])  # answers 1..5


def test_parts_add_up_to_the_change_exactly():
    rng = np.random.default_rng(11)
    for _ in range(50):
        before = rng.integers(0, 40, size=(4, 11)).astype(float)
        now = rng.integers(0, 40, size=(4, 11)).astype(float)
        now[rng.integers(0, 4)] = 0  # a segment that disappeared
        before[rng.integers(0, 4)] = 0  # and one that is new (possibly the same one: then empty in both)
        result = shift_share(before, now, NPS_POINTS)
        direct = now.sum(axis=0) @ NPS_POINTS / now.sum() - before.sum(axis=0) @ NPS_POINTS / before.sum()
        assert result.change == pytest.approx(direct, abs=1e-9)
        assert result.total.sum() == pytest.approx(result.change, abs=1e-9)
        assert (result.rate + result.mix + result.interaction) == pytest.approx(result.total, abs=1e-12)


def test_textbook_two_segment_case_by_hand():
    # baseline: A 50 answers at CSAT 80 %, B 50 at 60 %; current: A 20 at 80 %, B 80 at 40 %.
    before = np.array([[10, 0, 0, 40, 0], [20, 0, 0, 30, 0]], dtype=float)
    now = np.array([[4, 0, 0, 16, 0], [48, 0, 0, 32, 0]], dtype=float)
    result = shift_share(before, now, CSAT_POINTS)
    assert (result.baseline_score, result.current_score) == pytest.approx((70.0, 48.0))
    assert result.rate == pytest.approx([0.0, 0.5 * -20])
    assert result.mix == pytest.approx([-0.3 * 10, 0.3 * -10])
    assert result.interaction == pytest.approx([0.0, 0.3 * -20])
    assert result.total.sum() == pytest.approx(-22.0)


def test_a_drop_caused_by_one_segment_is_attributed_to_it():
    """Five carriers with stable shares; one of them (index 2) drops from CSAT 85 % to 45 %."""
    rng = np.random.default_rng(2026)
    shares = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    good = np.array([0.03, 0.04, 0.08, 0.35, 0.5])
    bad = np.array([0.2, 0.15, 0.2, 0.25, 0.2])
    before = np.array([rng.multinomial(int(4000 * s), good) for s in shares], dtype=float)
    now = np.array([rng.multinomial(int(4000 * s), bad if i == 2 else good) for i, s in enumerate(shares)],
                   dtype=float)
    fit = bootstrap_shift_share(before, now, CSAT_POINTS, rng=np.random.default_rng(1), n_resamples=500)
    order = np.argsort(fit.point.total)
    assert order[0] == 2
    assert fit.intervals["total"][1, 2] < 0  # its interval excludes zero
    others = np.delete(np.arange(5), 2)
    assert np.all(np.abs(fit.point.total[others]) < 0.1 * abs(fit.point.change))  # noise only
    assert fit.point.total[2] / fit.point.change > 0.8
    low, high = fit.change_interval
    assert low <= fit.point.change <= high < 0


def test_a_new_segment_takes_the_whole_effect():
    """The demo's situation: the baseline holds only carrier A; the current window only carrier B."""
    before = np.array([[2, 3, 8, 35, 52], [0, 0, 0, 0, 0]], dtype=float)
    now = np.array([[0, 0, 0, 0, 0], [13, 15, 20, 29, 23]], dtype=float)
    result = shift_share(before, now, CSAT_POINTS)
    assert result.total[0] == pytest.approx(0.0, abs=1e-12)
    assert result.total[1] == pytest.approx(result.change)
    assert np.isnan(result.baseline_scores[1]) and np.isnan(result.current_scores[0])


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="no answers"):
        shift_share(np.zeros((2, 5)), np.ones((2, 5)), CSAT_POINTS)
    with pytest.raises(ValueError, match="same segments"):
        shift_share(np.ones((2, 5)), np.ones((3, 5)), CSAT_POINTS)
    with pytest.raises(ValueError, match="levels"):
        shift_share(np.ones((2, 4)), np.ones((2, 4)), CSAT_POINTS)
