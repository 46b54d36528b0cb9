"""Relative weights (Johnson 2000) against a published example and against simulated ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from services.metrics.stats.relative_weights import (
    bootstrap_relative_weights,
    relative_weights,
    relative_weights_from_correlations,
)

# Motor Trend 1974 road tests (R's ``mtcars``): mpg, cyl, disp, hp, wt of the 32 cars, in R's row order.
MTCARS = np.array([
    (21, 6, 160, 110, 2.62), (21, 6, 160, 110, 2.875), (22.8, 4, 108, 93, 2.32), (21.4, 6, 258, 110, 3.215),
    (18.7, 8, 360, 175, 3.44), (18.1, 6, 225, 105, 3.46), (14.3, 8, 360, 245, 3.57), (24.4, 4, 146.7, 62, 3.19),
    (22.8, 4, 140.8, 95, 3.15), (19.2, 6, 167.6, 123, 3.44), (17.8, 6, 167.6, 123, 3.44),
    (16.4, 8, 275.8, 180, 4.07), (17.3, 8, 275.8, 180, 3.73), (15.2, 8, 275.8, 180, 3.78),
    (10.4, 8, 472, 205, 5.25), (10.4, 8, 460, 215, 5.424), (14.7, 8, 440, 230, 5.345), (32.4, 4, 78.7, 66, 2.2),
    (30.4, 4, 75.7, 52, 1.615), (33.9, 4, 71.1, 65, 1.835), (21.5, 4, 120.1, 97, 2.465), (15.5, 8, 318, 150, 3.52),
    (15.2, 8, 304, 150, 3.435), (13.3, 8, 350, 245, 3.84), (19.2, 8, 400, 175, 3.845), (27.3, 4, 79, 66, 1.935),
    (26, 4, 120.3, 91, 2.14), (30.4, 4, 95.1, 113, 1.513), (15.8, 8, 351, 264, 3.17), (19.7, 6, 145, 175, 2.77),
    (15, 8, 301, 335, 3.57), (21.4, 4, 121, 109, 2.78)])


def test_reproduces_the_published_mtcars_example():
    """The worked example of the ``rwa`` R package (Chan; an implementation of Tonidandel & LeBreton's
    RWA-Web), vignette "Regression methods", ``rwa_multiregress(mtcars, "mpg", c("cyl", "disp", "hp",
    "wt"))``, prints raw weights 0.2096904, 0.1883043, 0.1799590, 0.2706812 and rescaled weights
    24.70914, 22.18908, 21.20570, 31.89607 (percent). Tolerance: half a unit of the last printed digit."""
    fit = relative_weights(MTCARS[:, 0], MTCARS[:, 1:])
    assert fit.weights == pytest.approx([0.2096904, 0.1883043, 0.1799590, 0.2706812], abs=5e-8)
    assert 100 * fit.shares == pytest.approx([24.70914, 22.18908, 21.20570, 31.89607], abs=5e-6)
    assert fit.weights.sum() == pytest.approx(fit.r_squared, abs=1e-12)


def test_weights_add_up_to_the_r_squared_of_least_squares():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 4)) @ rng.normal(size=(4, 4))
    y = x @ np.array([0.5, -0.2, 0.1, 0.3]) + rng.normal(size=400)
    design = np.column_stack([np.ones(400), x])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r_squared = 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
    assert relative_weights(y, x).weights.sum() == pytest.approx(r_squared, rel=1e-10)


def test_counts_weight_rows_like_repeated_rows():
    rng = np.random.default_rng(3)
    rows = rng.integers(1, 6, size=(60, 3)).astype(float)
    counts = rng.integers(1, 5, size=60)
    expanded = np.repeat(rows, counts, axis=0)
    weighted = relative_weights(rows[:, 0], rows[:, 1:], counts)
    plain = relative_weights(expanded[:, 0], expanded[:, 1:])
    assert weighted.weights == pytest.approx(plain.weights, rel=1e-10)


def test_uncorrelated_predictors_get_their_squared_correlations():
    fit = relative_weights_from_correlations(np.eye(3), np.array([0.5, 0.3, 0.1]))
    assert fit.weights == pytest.approx([0.25, 0.09, 0.01])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="variance"):
        relative_weights(np.ones(10), np.arange(20.0).reshape(10, 2))
    with pytest.raises(ValueError, match="finite"):
        relative_weights(np.array([1.0, np.nan, 2.0]), np.ones((3, 1)))
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_relative_weights(MTCARS[:, 0], MTCARS[:, 1:], rng=np.random.default_rng(0), n_resamples=10)


def test_bootstrap_is_reproducible_with_a_seed():
    first = bootstrap_relative_weights(MTCARS[:, 0], MTCARS[:, 1:], rng=np.random.default_rng(5), n_resamples=200)
    second = bootstrap_relative_weights(MTCARS[:, 0], MTCARS[:, 1:], rng=np.random.default_rng(5), n_resamples=200)
    assert np.array_equal(first.weights_ci, second.weights_ci)
    assert np.all(first.weights_ci[0] <= first.point.weights) and np.all(first.point.weights <= first.weights_ci[1])


# Population: three correlated drivers (r = 0.3-0.5) and an outcome with known coefficients.
SIGMA = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
BETA = np.array([0.5, 0.3, 0.2])
NOISE_SD = 0.8


def _population_weights():
    r_xy_cov = SIGMA @ BETA
    var_y = BETA @ SIGMA @ BETA + NOISE_SD**2
    return relative_weights_from_correlations(SIGMA, r_xy_cov / np.sqrt(var_y))


def test_population_weights_add_up_to_the_true_r_squared():
    truth = _population_weights()
    explained = BETA @ SIGMA @ BETA
    assert truth.r_squared == pytest.approx(explained / (explained + NOISE_SD**2), rel=1e-12)


@pytest.mark.slow
def test_intervals_cover_the_true_weights_at_about_their_level():
    """400 simulated surveys of n = 300 (seed fixed), 400 resamples each: the 95 % percentile intervals
    must cover each true raw weight in 91-99 % of them (binomial SE of 95 % over 400 runs: 1.1 points).
    Drivers are rounded onto a 1-5 scale and the outcome onto 0-10 as survey answers are, so the truth
    is the weights of the rounded variables, estimated once from 2 million simulated respondents."""
    rng = np.random.default_rng(20261204)
    cholesky = np.linalg.cholesky(SIGMA)

    def draw(n):
        x = rng.normal(size=(n, 3)) @ cholesky.T
        y = x @ BETA + rng.normal(scale=NOISE_SD, size=n)
        return np.clip(np.round(5 + 1.6 * y), 0, 10), np.clip(np.round(3 + x), 1, 5)

    big_y, big_x = draw(2_000_000)
    truth = relative_weights(big_y, big_x)
    covered = np.zeros(3)
    covered_share = np.zeros(3)
    runs = 400
    for _ in range(runs):
        y, x = draw(300)
        fit = bootstrap_relative_weights(y, x, rng=rng, n_resamples=400)
        covered += (fit.weights_ci[0] <= truth.weights) & (truth.weights <= fit.weights_ci[1])
        covered_share += (fit.shares_ci[0] <= truth.shares) & (truth.shares <= fit.shares_ci[1])
    assert np.all((0.91 <= covered / runs) & (covered / runs <= 0.99)), covered / runs
    assert np.all((0.91 <= covered_share / runs) & (covered_share / runs <= 0.99)), covered_share / runs
