"""Key drivers and "why it dropped" on 1 million responses in PostgreSQL, against the plain compare of
the same data measured in the same run (issue 18: goal under 3 times).

Each response holds an NPS answer and three drivers (two CSAT questions, one CES), a carrier attribute,
and one in ten a comment; in the last week the carrier "east" scores lower, so the compare is a
significant drop for ``explain`` to explain.

``run(pg_url, responses=1_000_000) -> list[dict]``; ``python bench/bench_drivers.py [--responses N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_time  # noqa: E402  (bench/, on the path when run as a script or by run_all)

from services.common.db import create_database, make_engine  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.metrics.analytics.drivers import driver_report  # noqa: E402
from services.metrics.analytics.explain import explained_compare  # noqa: E402
from services.metrics.scores.reports import compare_report  # noqa: E402
from shared.contracts.drivers import DriverQueryArgsSchema  # noqa: E402
from shared.contracts.scores import CompareQueryArgsSchema  # noqa: E402

END = datetime(2026, 11, 1, tzinfo=UTC)
RESPONSES = """
CREATE TEMP TABLE bench_responses AS
SELECT i, 'r' || i AS response_id, 1 + floor(random() * 5)::int AS a, 1 + floor(random() * 5)::int AS b,
       1 + floor(random() * 7)::int AS c, CAST(:end AS timestamptz) - random() * interval '14 days' AS at,
       (ARRAY['north', 'east', 'south'])[1 + i % 3] AS carrier
FROM generate_series(1, CAST(:responses AS bigint)) AS i
"""
SCORES = """
INSERT INTO response_scores (response_id, metric, value, answered_at, question_key, dimension, driver,
                             touchpoint, survey_id, channel, attributes)
SELECT g.response_id, v.metric, v.value, g.at, v.question_key, NULL, NULL, 'delivery', 's-bench', 'email',
       json_build_object('carrier', g.carrier)
FROM (SELECT *, CASE WHEN carrier = 'east' AND at > CAST(:end AS timestamptz) - interval '7 days'
                     THEN 3 ELSE 0 END AS dip FROM bench_responses) AS g
CROSS JOIN LATERAL (VALUES
    ('nps', 'q_nps', least(10, greatest(0, 2 * g.a + g.b - 3 + floor(random() * 3)::int - 1 - g.dip))),
    ('csat', 'q_speed', g.a), ('csat', 'q_care', g.b), ('ces', 'q_effort', g.c)) AS v(metric, question_key, value)
"""
COMMENTS = """
INSERT INTO response_comments (response_id, question_key, text, keywords, nps_group, csat_group, answered_at,
                               touchpoint, survey_id, channel, attributes)
SELECT response_id, 'q_text', w.text, w.keywords, NULL, NULL, at, 'delivery', 's-bench', 'email',
       json_build_object('carrier', carrier)
FROM bench_responses
CROSS JOIN LATERAL (SELECT CASE WHEN carrier = 'east' AND at > CAST(:end AS timestamptz) - interval '7 days'
                                THEN 'late parcel, box damaged' ELSE 'fine delivery, friendly driver' END AS text) AS t
CROSS JOIN LATERAL (SELECT t.text, CASE WHEN t.text LIKE 'late%%' THEN '["late", "parcel", "box", "damaged"]'::json
                                        ELSE '["fine", "delivery", "friendly", "driver"]'::json END AS keywords) AS w
WHERE i % 10 = 0
"""


def _load(engine, responses: int) -> float:
    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in (RESPONSES, SCORES, COMMENTS):
            connection.execute(text(statement), {"end": END, "responses": responses})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE response_scores"))
        connection.execute(text("VACUUM ANALYZE response_comments"))
    return time.perf_counter() - started



def run(pg_url: str, responses: int = 1_000_000) -> list[dict]:
    """Measure and return the table rows of this benchmark."""
    url = create_database(pg_url, "cx_bench_drivers")
    upgrade("metrics", url)
    engine = make_engine(url)
    load_seconds = _load(engine, responses)
    compare_args = CompareQueryArgsSchema().load({"metric": "nps", "window": "7d", "to": END.isoformat()})
    explain_args = CompareQueryArgsSchema().load({"metric": "nps", "window": "7d", "to": END.isoformat(),
                                                  "explain": "attr.carrier"})
    driver_args = DriverQueryArgsSchema().load({"survey": "s-bench", "outcome": "q_nps",
                                                "from": "2026-10-01T00:00:00Z", "to": END.isoformat()})

    def compare():
        with Session(engine) as session:
            return compare_report(session, compare_args, now=END)

    def explain():
        with Session(engine) as session:
            return explained_compare(session, explain_args, now=END)  # what the route runs

    def drivers():
        with Session(engine) as session:
            return driver_report(session, driver_args, now=END)

    compare()  # warm the cache for all three
    base_seconds, _ = median_time(compare)
    explain_seconds, explained = median_time(explain)
    driver_seconds, found = median_time(drivers)
    engine.dispose()
    [cell] = explained["cells"]
    top = cell["explanation"]["contributions"][0]["segment"] if cell["explanation"] else None
    names = ", ".join(d["driver"] for d in found["drivers"])
    return [
        {"figure": f"drivers: load {responses:,} responses x 4 scores + comments", "value": f"{load_seconds:.1f} s",
         "baseline": "", "ratio": "", "goal": ""},
        {"figure": f"drivers: key drivers of NPS, 3 drivers, {found['resamples']} resamples ({names}; n={found['n']:,})",
         "value": f"{driver_seconds:.2f} s", "baseline": f"{base_seconds:.2f} s plain NPS compare",
         "ratio": f"{driver_seconds / base_seconds:.2f}", "goal": "< 3"},
        {"figure": f"drivers: compare + explain=attr.carrier (top segment: {top})",
         "value": f"{explain_seconds:.2f} s", "baseline": f"{base_seconds:.2f} s plain NPS compare",
         "ratio": f"{explain_seconds / base_seconds:.2f}", "goal": "< 3"},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = parser.parse_args()
    url = os.environ.get("CX_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set CX_TEST_POSTGRES_URL (make bench starts a throwaway PostgreSQL)")
    for row in run(url, args.responses):
        print(" | ".join(str(row[k]) for k in ("figure", "value", "baseline", "ratio", "goal")))


if __name__ == "__main__":
    main()
