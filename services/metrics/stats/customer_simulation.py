"""Simulated customer bases from the BG/NBD, Gamma-Gamma and sBG models.

Used to check parameter recovery and interval coverage, and by the benchmarks. Each function
draws every customer's latent traits, then their observable summary, from the given
``numpy.random.Generator``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .bgnbd import BGNBDParameters
from .gamma_gamma import GammaGammaParameters
from .sbg import SBGParameters


def simulate_bgnbd(params: BGNBDParameters, age: Any, rng: np.random.Generator,
                   holdout: float = 0.0) -> dict[str, np.ndarray]:
    """Simulate BG/NBD repeat-purchase summaries for customers observed for ``age`` time units.

    Purchase rate ``lambda ~ Gamma(r, rate alpha)``; after each repeat purchase the customer
    drops out with probability ``p ~ Beta(a, b)`` (Fader, Hardie & Lee 2005, assumptions
    i-v). Returns ``frequency``, ``recency``, ``age``, the latent ``rate``, ``dropout`` and
    ``alive`` (still active at ``age``), and ``holdout_purchases`` in ``(age, age + holdout]``.
    """
    age_ = np.asarray(age, dtype=float).ravel()
    if (age_ < 0).any() or not np.isfinite(age_).all():
        raise ValueError("age must be finite and >= 0")
    n = age_.size
    rate = rng.gamma(params.r, 1.0 / params.alpha, n)
    dropout = rng.beta(params.a, params.b, n)
    end = age_ + holdout
    frequency = np.zeros(n, dtype=np.int64)
    holdout_purchases = np.zeros(n, dtype=np.int64)
    recency = np.zeros(n)
    alive = np.zeros(n, dtype=bool)
    clock = np.zeros(n)
    active = np.flatnonzero(rate > 0)
    while active.size:
        clock[active] += rng.exponential(1.0 / rate[active])
        in_window = clock[active] <= end[active]
        alive[active[~in_window]] = True  # never dropped out before the end of the window
        buyers = active[in_window]
        calibration = clock[buyers] <= age_[buyers]
        frequency[buyers[calibration]] += 1
        recency[buyers[calibration]] = clock[buyers[calibration]]
        holdout_purchases[buyers[~calibration]] += 1
        active = buyers[rng.random(buyers.size) >= dropout[buyers]]
    alive |= rate == 0
    # "alive at age": no dropout happened at a purchase on or before age
    dropped_in_calibration = ~alive & (holdout_purchases == 0)
    return {
        "frequency": frequency, "recency": recency, "age": age_, "rate": rate, "dropout": dropout,
        "alive": ~dropped_in_calibration, "holdout_purchases": holdout_purchases,
    }


def simulate_mean_spend(params: GammaGammaParameters, frequency: Any, rng: np.random.Generator) -> np.ndarray:
    """Mean value of each customer's ``frequency`` transactions under the Gamma-Gamma model (0 if none).

    ``nu ~ Gamma(q, rate gamma)`` per customer, transactions ``~ Gamma(p, rate nu)``, so the sum
    of ``x`` transactions is ``Gamma(p x, rate nu)`` (Fader & Hardie 2013).
    """
    x = np.asarray(frequency, dtype=float).ravel()
    nu = rng.gamma(params.q, 1.0 / params.gamma, x.size)
    total = rng.gamma(np.maximum(params.p * x, 1e-300), 1.0 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)


def simulate_sbg(params: SBGParameters, n_customers: int, periods: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Lifetimes of a cohort observed for ``periods`` renewal periods under the sBG model.

    Returns ``(lifetimes, churned)`` as accepted by :meth:`sbg.SBGFitter.fit`: the churn period
    for churners, ``periods`` for customers still active (censored).
    """
    theta = rng.beta(params.alpha, params.beta, int(n_customers))
    lifetime = rng.geometric(theta)
    churned = lifetime <= periods
    return np.where(churned, lifetime, periods), churned
