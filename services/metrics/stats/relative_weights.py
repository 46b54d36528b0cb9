"""Relative weights (Johnson 2000): R-squared split into one share per predictor, with bootstrap intervals.

Johnson, J. W. (2000), "A heuristic method for estimating the relative weight of predictor variables
in multiple regression", Multivariate Behavioral Research 35(1):1-19. The predictors are replaced by
their closest orthogonal counterparts ``Z`` (``Lambda``, the symmetric square root of the predictor
correlation matrix, holds the correlations between ``X`` and ``Z``); the outcome is regressed on
``Z`` (``beta = Lambda^-1 r_xy``) and predictor ``j`` gets ``eps_j = sum_k Lambda_jk^2 beta_k^2``.
The weights add up to the model's R-squared.

Everything here works from *weighted distinct rows*: survey answers take few values, so a million
responses collapse into a few thousand distinct (outcome, driver...) patterns with counts. A bootstrap
resample of the respondents is then a multinomial draw of those counts (exactly the same
distribution as resampling rows), which costs O(patterns) instead of O(respondents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .estimate import check_confidence

MIN_RESAMPLES = 100
_CHUNK_CELLS = 4_000_000  # resamples x patterns per batch: bounds memory on un-grouped data


@dataclass(frozen=True)
class RelativeWeights:
    """Raw relative weights (they add up to ``r_squared``) of one fit."""

    weights: np.ndarray
    r_squared: float

    @property
    def shares(self) -> np.ndarray:
        """Each weight as a share of R-squared (adds up to 1); NaN when R-squared is 0."""
        return self.weights / self.r_squared if self.r_squared > 0 else np.full_like(self.weights, np.nan)


@dataclass(frozen=True)
class RelativeWeightsFit:
    """Relative weights with percentile bootstrap intervals.

    ``weights_ci`` and ``shares_ci`` have shape (2, p): low and high bound per predictor.
    ``signs`` is the sign of each predictor's correlation with the outcome.
    """

    point: RelativeWeights
    weights_ci: np.ndarray
    shares_ci: np.ndarray
    r_squared_ci: tuple[float, float]
    correlations: np.ndarray
    n: int
    n_resamples: int
    confidence: float


def relative_weights_from_correlations(r_xx: np.ndarray, r_xy: np.ndarray) -> RelativeWeights:
    """Johnson's (2000) relative weights from the predictor correlations and their correlations with y.

    Parameters
    ----------
    r_xx : (p, p) array
        Correlation matrix of the predictors.
    r_xy : (p,) array
        Correlation of each predictor with the outcome.
    """
    r_xx, r_xy = np.asarray(r_xx, dtype=float), np.asarray(r_xy, dtype=float)
    if r_xx.ndim != 2 or r_xx.shape[0] != r_xx.shape[1] or r_xy.shape != (r_xx.shape[0],):
        raise ValueError("r_xx must be p x p and r_xy of length p")
    weights, r_squared = _batched_weights(r_xx[None], r_xy[None])
    return RelativeWeights(weights=weights[0], r_squared=float(r_squared[0]))


def _batched_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative weights of many correlation matrices at once: (B, p, p), (B, p) -> (B, p), (B,)."""
    eigenvalues, vectors = np.linalg.eigh(r_xx)
    if np.any(eigenvalues < -1e-9):
        raise ValueError("the predictor correlation matrix is not positive semi-definite")
    # a driver that is an exact copy of another leaves a zero eigenvalue: pseudo-inverse there
    tolerance = 1e-10 * np.maximum(eigenvalues.max(axis=-1, keepdims=True), 1e-300)
    root = np.sqrt(np.clip(eigenvalues, 0.0, None))
    inverse_root = np.where(root > np.sqrt(tolerance), 1.0 / np.where(root > 0, root, 1.0), 0.0)
    lam = (vectors * root[:, None, :]) @ np.swapaxes(vectors, -1, -2)
    lam_inverse = (vectors * inverse_root[:, None, :]) @ np.swapaxes(vectors, -1, -2)
    beta = np.einsum("bij,bj->bi", lam_inverse, r_xy)
    weights = np.einsum("bjk,bk->bj", lam**2, beta**2)
    return weights, weights.sum(axis=-1)


def weighted_correlations(rows: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Correlation matrices of ``rows`` (m, q) under one or many count vectors (m,) or (B, m)."""
    rows = np.asarray(rows, dtype=float)
    single = np.ndim(counts) == 1
    w = np.atleast_2d(np.asarray(counts, dtype=float))
    total = w.sum(axis=1)
    means = (w @ rows) / total[:, None]
    products = (rows[:, :, None] * rows[:, None, :]).reshape(rows.shape[0], -1)
    second = (w @ products).reshape(-1, rows.shape[1], rows.shape[1]) / total[:, None, None]
    cov = second - means[:, :, None] * means[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    return corr[0] if single else corr


def relative_weights(y: np.ndarray, x: np.ndarray, counts: np.ndarray | None = None) -> RelativeWeights:
    """Relative weights of the predictors ``x`` (n, p) for the outcome ``y`` (n,), rows weighted by ``counts``."""
    rows, weights = _rows(y, x, counts)
    corr = weighted_correlations(rows, weights)
    _check_variance(corr)
    return relative_weights_from_correlations(corr[1:, 1:], corr[1:, 0])


def _rows(y: np.ndarray, x: np.ndarray, counts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    if x.ndim != 2 or y.shape != (x.shape[0],) or x.shape[1] < 1:
        raise ValueError("x must be (n, p) with p >= 1 and y of length n")
    weights = np.ones(len(y)) if counts is None else np.asarray(counts, dtype=float)
    if weights.shape != y.shape or np.any(weights < 0):
        raise ValueError("counts must be one non-negative number per row")
    rows = np.column_stack([y, x])
    if not np.all(np.isfinite(rows)):
        raise ValueError("y and x must be finite (drop incomplete cases first)")
    return rows, weights


def _check_variance(corr: np.ndarray) -> None:
    if not np.all(np.isfinite(corr)):
        raise ValueError("the outcome and every predictor need some variance")


def bootstrap_relative_weights(y: np.ndarray, x: np.ndarray, counts: np.ndarray | None = None, *,
                               rng: np.random.Generator, n_resamples: int = 1000,
                               confidence: float = 0.95) -> RelativeWeightsFit:
    """Relative weights with percentile bootstrap intervals (resampling respondents with replacement).

    Parameters
    ----------
    y, x, counts
        As for :func:`relative_weights`; ``counts[i]`` respondents share row ``i``.
    rng : numpy.random.Generator
        Source of the resamples (pass a fixed seed for a reproducible reply).
    n_resamples : int
        Bootstrap resamples, at least 100. A resample in which a variable has no variance is drawn
        again (it happens only in tiny samples).
    confidence : float
        Two-sided level of the percentile intervals.
    """
    confidence = check_confidence(confidence)
    if n_resamples < MIN_RESAMPLES:
        raise ValueError(f"n_resamples must be at least {MIN_RESAMPLES}")
    rows, weights = _rows(y, x, counts)
    corr = weighted_correlations(rows, weights)
    _check_variance(corr)
    point = relative_weights_from_correlations(corr[1:, 1:], corr[1:, 0])
    n = int(round(weights.sum()))
    shares = weights / weights.sum()
    chunk = max(1, min(n_resamples, _CHUNK_CELLS // max(1, len(rows))))
    draws_w: list[np.ndarray] = []
    draws_r2: list[np.ndarray] = []
    kept = 0
    for _attempt in range(100):
        if kept >= n_resamples:
            break
        resampled = rng.multinomial(n, shares, size=chunk)
        corr_b = weighted_correlations(rows, resampled)
        usable = np.all(np.isfinite(corr_b), axis=(1, 2))
        w_b, r2_b = _batched_weights(corr_b[usable, 1:, 1:], corr_b[usable, 1:, 0])
        draws_w.append(w_b)
        draws_r2.append(r2_b)
        kept += int(usable.sum())
    if kept < n_resamples:
        raise ValueError("too few resamples keep some variance in every variable: the sample is too small")
    w_all = np.concatenate(draws_w)[:n_resamples]
    r2_all = np.concatenate(draws_r2)[:n_resamples]
    tail = (1.0 - confidence) / 2.0
    quantiles = [tail, 1.0 - tail]
    with np.errstate(invalid="ignore", divide="ignore"):
        share_draws = w_all / r2_all[:, None]
    r2_low, r2_high = np.quantile(r2_all, quantiles)
    return RelativeWeightsFit(point=point, weights_ci=np.quantile(w_all, quantiles, axis=0),
                              shares_ci=np.nanquantile(share_draws, quantiles, axis=0),
                              r_squared_ci=(float(r2_low), float(r2_high)), correlations=corr[1:, 0],
                              n=n, n_resamples=n_resamples, confidence=confidence)
