"""What the benchmarks share: the median of a few timed runs of one piece of work."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(work: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The median wall time of ``repeat`` runs of ``work``, and what its last run returned."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result
