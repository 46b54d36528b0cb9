"""What the benchmarks share: the median of a few timed runs of one piece of work, and running one
benchmark as a script."""

from __future__ import annotations

import os
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


TABLE_COLUMNS = ("figure", "value", "baseline", "ratio", "goal")


def run_standalone(run: Callable[[str], list[dict[str, Any]]]) -> None:
    """Run one benchmark as a script (under ``scripts/with_postgres.py``) and print its rows as a table."""
    postgres = os.environ.get("CX_TEST_POSTGRES_URL")
    if not postgres:
        raise SystemExit("set CX_TEST_POSTGRES_URL (make bench runs under scripts/with_postgres.py)")
    for row in run(postgres):
        print(" | ".join(str(row[key]) for key in TABLE_COLUMNS))
