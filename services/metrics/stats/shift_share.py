"""Shift-share decomposition of a score's change into per-segment contributions, with bootstrap intervals.

A score that is a mean of per-answer points (NPS: +100 / 0 / -100; CSAT: 100 for a top-2 answer, else
0; CES: the answer itself) is the share-weighted mean of its segments' scores, ``S = sum_g w_g s_g``.
Its change between a baseline (0) and a current window (1) splits exactly, per segment ``g``, into

- ``rate``        = ``w0_g (s1_g - s0_g)``: the segment's own score changing at its old share;
- ``mix``         = ``(w1_g - w0_g) (s0_g - S0)``: its share of answers changing, measured against the
                    baseline total, so a segment that grows while scoring below average pulls the
                    total down (the centring adds nothing overall, because the share changes add to 0);
- ``interaction`` = ``(w1_g - w0_g) (s1_g - s0_g)``: both at once. It is reported on its own and
                    counted in the segment's ``total`` (``rate + mix + interaction``).

The segment totals add up to ``S1 - S0`` exactly (up to floating point). A segment absent from the
baseline takes ``s0_g = S0`` (all of its effect is then interaction: ``w1 (s1 - S0)``); one absent from
the current window takes ``s1_g = s0_g`` (all of its effect is mix: ``-w0 (s0 - S0)``).

Intervals: percentile bootstrap, resampling each window's answers independently as a multinomial draw
of its (segment, answer value) counts, which is the same as resampling the answers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .estimate import check_confidence

MIN_RESAMPLES = 100
PARTS = ("rate", "mix", "interaction", "total")


@dataclass(frozen=True)
class ShiftShare:
    """Per-segment parts of a change (arrays of shape (g,)) and the totals of both windows."""

    rate: np.ndarray
    mix: np.ndarray
    interaction: np.ndarray
    total: np.ndarray
    baseline_score: float
    current_score: float
    baseline_shares: np.ndarray
    current_shares: np.ndarray
    baseline_scores: np.ndarray
    current_scores: np.ndarray

    @property
    def change(self) -> float:
        """``current_score - baseline_score``, which the segment totals add up to."""
        return self.current_score - self.baseline_score


@dataclass(frozen=True)
class ShiftShareFit:
    """The decomposition with percentile intervals: ``intervals[part]`` has shape (2, g)."""

    point: ShiftShare
    intervals: dict[str, np.ndarray]
    change_interval: tuple[float, float]
    n_resamples: int
    confidence: float


def _check_counts(counts: np.ndarray, points: np.ndarray, label: str) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.shape[1] != len(points):
        raise ValueError(f"{label} counts must be (segments, levels) with one column per point value")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError(f"{label} counts must be finite and non-negative")
    if counts.sum() <= 0:
        raise ValueError(f"{label} window holds no answers")
    return counts


def _decompose(before: np.ndarray, now: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """Batched decomposition: counts (..., g, levels) -> parts (..., g) and totals (...,)."""
    n0, n1 = before.sum(axis=-1), now.sum(axis=-1)
    w0 = n0 / n0.sum(axis=-1, keepdims=True)
    w1 = n1 / n1.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s0 = (before @ points) / n0
        s1 = (now @ points) / n1
    total0 = np.nansum(w0 * s0, axis=-1, keepdims=True)
    total1 = np.nansum(w1 * s1, axis=-1, keepdims=True)
    s0 = np.where(n0 > 0, s0, total0)
    s1 = np.where(n1 > 0, s1, s0)
    rate = w0 * (s1 - s0)
    mix = (w1 - w0) * (s0 - total0)
    interaction = (w1 - w0) * (s1 - s0)
    return rate, mix, interaction, rate + mix + interaction, total0[..., 0], total1[..., 0], w0, w1, s0, s1


def shift_share(baseline_counts: np.ndarray, current_counts: np.ndarray, points: np.ndarray) -> ShiftShare:
    """Decompose the change of a mean-of-points score between two windows by segment.

    Parameters
    ----------
    baseline_counts, current_counts : (g, levels) arrays
        Answers per segment (rows, in the same order in both) and answer value (columns).
    points : (levels,) array
        The points each answer value scores (e.g. +100 / 0 / -100 for NPS answers 0-10).
    """
    points = np.asarray(points, dtype=float)
    before = _check_counts(baseline_counts, points, "baseline")
    now = _check_counts(current_counts, points, "current")
    if before.shape != now.shape:
        raise ValueError("both windows need the same segments in the same order")
    rate, mix, interaction, total, s0, s1, w0, w1, seg0, seg1 = _decompose(before, now, points)
    return ShiftShare(rate=rate, mix=mix, interaction=interaction, total=total, baseline_score=float(s0),
                      current_score=float(s1), baseline_shares=w0, current_shares=w1,
                      baseline_scores=np.where(before.sum(axis=1) > 0, seg0, np.nan),
                      current_scores=np.where(now.sum(axis=1) > 0, seg1, np.nan))


def bootstrap_shift_share(baseline_counts: np.ndarray, current_counts: np.ndarray, points: np.ndarray, *,
                          rng: np.random.Generator, n_resamples: int = 1000,
                          confidence: float = 0.95) -> ShiftShareFit:
    """:func:`shift_share` with percentile bootstrap intervals for every part and for the change."""
    confidence = check_confidence(confidence)
    if n_resamples < MIN_RESAMPLES:
        raise ValueError(f"n_resamples must be at least {MIN_RESAMPLES}")
    point = shift_share(baseline_counts, current_counts, points)
    points = np.asarray(points, dtype=float)
    before = np.asarray(baseline_counts, dtype=float)
    now = np.asarray(current_counts, dtype=float)

    def resample(counts: np.ndarray) -> np.ndarray:
        flat = counts.ravel()
        draws = rng.multinomial(int(round(flat.sum())), flat / flat.sum(), size=n_resamples)
        return draws.reshape(n_resamples, *counts.shape).astype(float)

    parts = _decompose(resample(before), resample(now), points)
    tail = (1.0 - confidence) / 2.0
    quantiles = [tail, 1.0 - tail]
    intervals = {name: np.quantile(values, quantiles, axis=0) for name, values in zip(PARTS, parts[:4], strict=True)}
    low, high = np.quantile(parts[5] - parts[4], quantiles)
    return ShiftShareFit(point=point, intervals=intervals, change_interval=(float(low), float(high)),
                         n_resamples=n_resamples, confidence=confidence)
