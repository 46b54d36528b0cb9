"""Scores on 10 million responses in PostgreSQL: NPS, CSAT and CES with intervals by touchpoint x
week, against a bare ``GROUP BY`` count over the same table measured in the same run.

``run(pg_url, rows=10_000_000) -> list[dict]``; ``python bench/bench_scores.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_time  # noqa: E402  (bench/, on the path when run as a script or by run_all)

from services.common.db import create_database, make_engine  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.metrics.scores.reports import score_report  # noqa: E402

END = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 182
FILL = """
INSERT INTO response_scores (response_id, metric, value, answered_at, question_key, dimension, driver,
                             touchpoint, survey_id, channel, attributes)
SELECT 'r' || i,
       (ARRAY['nps','csat','ces'])[1 + i % 3],
       CASE i % 3 WHEN 0 THEN floor(random() * 11) WHEN 1 THEN 1 + floor(random() * 5)
                  ELSE 1 + floor(random() * 7) END,
       :end - random() * interval '{days} days',
       'q_' || (ARRAY['nps','csat','ces'])[1 + i % 3], NULL, NULL,
       (ARRAY['awareness','consideration','purchase','delivery','onboarding','usage','support',
              'return_refund','renewal'])[1 + (i / 3) % 9],
       's' || (i % 20), 'email', '{{}}'::json
FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) AS i
"""
BASELINE = """
SELECT touchpoint, date_trunc('week', answered_at AT TIME ZONE 'UTC') AS week, count(*)
FROM response_scores GROUP BY 1, 2
"""


def _load(engine, rows: int) -> float:
    started = time.perf_counter()
    step = 1_000_000
    with engine.begin() as connection:
        for first in range(0, rows, step):
            connection.execute(text(FILL.format(days=DAYS)),
                               {"end": END, "start": first, "stop": min(rows, first + step) - 1})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE response_scores"))
    return time.perf_counter() - started



def run(pg_url: str, rows: int = 10_000_000) -> list[dict]:
    """Measure and return the table rows of this benchmark."""
    url = create_database(pg_url, "cx_bench_scores")
    upgrade("metrics", url)
    engine = make_engine(url)
    load_seconds = _load(engine, rows)
    args = {"metric": ["nps", "csat", "ces"], "from_": END - timedelta(days=DAYS + 1), "to": END,
            "group_by": ["touchpoint", "period"], "period": "week", "tz": "UTC", "confidence": 0.95,
            "min_n": 30, "method": "default", "touchpoint": [], "survey": [], "channel": [],
            "question": [], "dimension": [], "driver": [], "segment": []}

    def baseline():
        with engine.connect() as connection:
            return connection.execute(text(BASELINE)).all()

    def ours():
        with Session(engine) as session:
            return score_report(session, args, now=END)

    baseline()  # warm the cache for both
    base_seconds, groups = median_time(baseline)
    ours_seconds, report = median_time(ours)
    tracemalloc.start()
    ours()
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    engine.dispose()
    cells = len(report["cells"])
    return [
        {"figure": f"scores: load {rows:,} responses (generate_series)", "value": f"{load_seconds:.1f} s",
         "baseline": "", "ratio": "", "goal": ""},
        {"figure": f"scores: NPS+CSAT+CES with intervals, touchpoint x week ({cells} cells)",
         "value": f"{ours_seconds:.2f} s", "baseline": f"{base_seconds:.2f} s bare GROUP BY ({len(groups)} groups)",
         "ratio": f"{ours_seconds / base_seconds:.2f}", "goal": "<= 1.5"},
        {"figure": "scores: peak Python memory of the computation", "value": f"{peak_mib:.1f} MiB",
         "baseline": f"{rows:,} rows", "ratio": "", "goal": "independent of rows"},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    url = os.environ.get("CX_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set CX_TEST_POSTGRES_URL (make bench starts a throwaway PostgreSQL)")
    for row in run(url, args.rows):
        print(" | ".join(str(row[k]) for k in ("figure", "value", "baseline", "ratio", "goal")))


if __name__ == "__main__":
    main()
