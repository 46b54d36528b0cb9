"""``make bench``: run every benchmark and print one table (figure, value, baseline, ratio, goal).

Each benchmark measures its own baseline in the same run, because these machines are noisy.
Runs under ``scripts/with_postgres.py``, which exports ``CX_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BENCHMARKS = ("bench_scores", "bench_ingest", "bench_tracking", "bench_clv", "bench_alerts", "bench_console", "bench_drivers",
              "bench_dashboards")
COLUMNS = ("figure", "value", "baseline", "ratio", "goal")


def cell(value) -> str:
    """A table cell: numbers rounded, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def table(rows: list[dict]) -> str:
    """A Markdown table of the rows."""
    rows = [{c: cell(r.get(c)) for c in COLUMNS} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in COLUMNS}
    line = lambda values: "| " + " | ".join(str(v).ljust(widths[c]) for c, v in zip(COLUMNS, values, strict=False)) + " |"
    return "\n".join([line(COLUMNS), line(["-" * widths[c] for c in COLUMNS]),
                      *(line([r.get(c, "") for c in COLUMNS]) for r in rows)])


def main() -> int:
    pg_url = os.environ.get("CX_TEST_POSTGRES_URL")
    if not pg_url:
        sys.exit("run through `make bench` (it starts a throwaway PostgreSQL)")
    only = set(sys.argv[1:])
    rows: list[dict] = []
    failed = False
    for name in BENCHMARKS:
        if only and name not in only:
            continue
        started = time.perf_counter()
        print(f"running {name} ...", flush=True)
        try:
            module = importlib.import_module(name)
            rows.extend(module.run(pg_url))
        except Exception:  # one broken benchmark must not hide the others' figures
            failed = True
            traceback.print_exc()
            rows.append({"figure": f"{name}: FAILED (see above)", "value": "", "baseline": "", "ratio": "", "goal": ""})
        print(f"{name} took {time.perf_counter() - started:.0f} s", flush=True)
    print()
    print(table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
