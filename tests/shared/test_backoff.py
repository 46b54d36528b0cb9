"""The one backoff: exponential to a cap; jitter in the upper half, or full jitter for HTTP retries."""

from __future__ import annotations

import random

from shared.backoff import Backoff


def test_upper_half_jitter_grows_doubles_and_caps():
    backoff, rng = Backoff(base_seconds=2, cap_seconds=60), random.Random(7)
    for attempts, ceiling in ((1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (20, 60)):
        draws = [backoff.seconds(attempts, rng) for _ in range(300)]
        assert ceiling / 2 <= min(draws) and max(draws) <= ceiling
        assert max(draws) > 0.9 * ceiling  # the ceiling is reached, not just bounded
    assert abs(backoff.delay(3, random.Random(1)).total_seconds() - Backoff(2, 60).seconds(3, random.Random(1))) < 1e-6


def test_full_jitter_keeps_short_waits_possible():
    draws = [Backoff(1, 8, full_jitter=True).seconds(6, random.Random(seed)) for seed in range(300)]
    assert min(draws) < 1.0 and max(draws) <= 8.0
