"""Use case: the predictive spread of one customer's future purchases and spend under a CLV fit."""

from __future__ import annotations

import hashlib

import numpy as np

from services.metrics.finance.clv_compute import spend_input, stored_draws
from services.metrics.finance.clv_results import draw_seed
from services.metrics.models.finance import ClvCustomerValue, ClvFit
from services.metrics.stats.clv_predictive import PredictiveSummary, predictive_lifetime_value

PREDICTIVE_PATHS = 10_000


def predictive_seed(fit_id: str, customer_id: str) -> int:
    """The seed of a customer's simulated futures under a fit, so the reply is the same on every call."""
    return int.from_bytes(hashlib.sha256(f"{fit_id}\x00{customer_id}".encode()).digest()[:8], "big")


def _spread(summary: PredictiveSummary) -> dict:
    return {"mean": summary.mean, "probability_zero": summary.probability_zero,
            "quantiles": [{"level": level, "value": value} for level, value in summary.quantiles.items()],
            "ci_low": summary.ci_low, "ci_high": summary.ci_high, "confidence": summary.confidence}


def customer_predictive(fit: ClvFit, row: ClvCustomerValue, *, horizon: int, annual_discount_rate: float,
                        confidence: float, n_draws: int, n_paths: int = PREDICTIVE_PATHS) -> dict:
    """The ``predictive`` reply: simulated futures over the fit's parameter draws (the same draws as the
    parameter intervals)."""
    draws = stored_draws(fit.result, seed=draw_seed(fit.id), n_draws=n_draws)
    monetary = float(spend_input(np.array([row.frequency], float), np.array([row.monetary], float))[0])
    spread = predictive_lifetime_value(
        draws, row.frequency, row.recency, row.age, monetary, horizon=horizon,
        annual_discount_rate=annual_discount_rate, time_unit=fit.time_unit, confidence=confidence,
        n_paths=n_paths, rng=np.random.default_rng(predictive_seed(fit.id, row.customer_id)))
    return {"purchases": _spread(spread.purchases), "value": _spread(spread.value), "paths": spread.paths,
            "parameter_draws": draws.n_draws, "horizon": spread.horizon, "method": spread.method}
