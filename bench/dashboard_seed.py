"""Big data for the dashboard benchmark, written server-side (``INSERT ... SELECT generate_series``).

Metrics gets ``rows`` responses spread over two years before ``end``: one row in ``responses``, one
score answer in ``response_scores`` (the survey's score questions in turn, so each survey has its own
NPS / CSAT / CES mix) and, for one response in five, a comment with its keywords. Survey gets the
funnel of a few surveys in proportion: for each, twice as many invitations as it has responses in
metrics, 60 % of them opened, 50 % completed, the rest left at some question (drop-off), the surveys'
invitations interleaved in time as they are sent.

Rows arrive in time order, as real responses do (row i answered at ``end - span * (rows - i) / rows``);
values come from a multiplicative hash of the row number, not from ``random()``, so a response's score,
comment group and survey agree across tables and a run is reproducible. Secondary indexes are dropped
for the load and made again from their own definitions afterwards (the usual bulk-load order: one sort
per index instead of millions of random inserts).
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from shared.question_types import SCORE_METRICS

YEARS_SECONDS = 2 * 365 * 86400
STEP = 1_000_000
CHANNELS = "ARRAY['email','email','in_app','webhook','link']"
PLANS = "ARRAY['{\"plan\": \"basic\", \"region\": \"seoul\"}','{\"plan\": \"premium\", \"region\": \"busan\"}'," \
        "'{\"plan\": \"basic\", \"region\": \"busan\"}','{\"plan\": \"family\", \"region\": \"seoul\"}']"
COMMENTS = [
    ("배송이 너무 느리고 포장이 엉망이었어요.", ["배송", "포장", "엉망"]),
    ("상담원이 친절했어요.", ["상담원", "친절"]),
    ("가격이 비싸요.", ["가격"]),
    ("앱이 자주 멈춰요.", ["앱", "멈춤"]),
    ("Delivery was late again.", ["delivery", "late"]),
    ("Great prices and fast checkout.", ["prices", "checkout"]),
    ("환불이 빨리 처리되었어요.", ["환불", "처리"]),
    ("배송 기사님이 친절했어요.", ["배송", "기사님", "친절"]),
]
# Per row i: its survey (i % surveys), its score question ((i / surveys) % questions of that survey), a
# uniform u in [0, 1) from a hash of i, and its moment (in order over two years).
ROWS = """
WITH r AS (
  SELECT i, d.survey_id, d.touchpoint, q.metric, q.question_key, q.dimension, q.driver,
         ((i * 2654435761) % 1000003) / 1000003.0 AS u,
         CAST(:end AS timestamptz) - ({span}.0 * (:rows - i) / :rows) * interval '1 second' AS at
  FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS i
  JOIN bench_surveys d ON d.s = i % :surveys
  JOIN bench_questions q ON q.s = d.s AND q.k = (i / :surveys) % d.nk
), v AS (
  SELECT r.*, CASE metric WHEN 'nps' THEN LEAST(10, floor(power(u, 0.6) * 11))
                          WHEN 'csat' THEN 1 + LEAST(4, floor(power(u, 0.6) * 5))
                          ELSE 1 + LEAST(6, floor(power(u, 0.6) * 7)) END AS value,
         ({channels})[1 + (i / 7) % 5] AS channel, CAST(({plans})[1 + (i / 11) % 4] AS json) AS attrs
  FROM r
)
"""
FILL_RESPONSES = """
INSERT INTO responses (response_id, version, survey_id, survey_version, touchpoint, channel, customer_id,
                       lang, attributes, answers, completed, created_at, updated_at, completed_at, received_at,
                       excluded)
SELECT 'b' || i, 1, survey_id, 1, touchpoint, channel, 'c' || (i % 1000003), 'ko', attrs,
       CAST(json_build_array(json_build_object('question_key', question_key, 'value', value)) AS json),
       true, at, at, at, at, false
FROM v
"""
FILL_SCORES = """
INSERT INTO response_scores (response_id, metric, value, answered_at, question_key, dimension, driver,
                             touchpoint, survey_id, channel, attributes)
SELECT 'b' || i, metric, value, at, question_key, dimension, driver, touchpoint, survey_id, channel, attrs
FROM v
"""
FILL_COMMENTS = """
INSERT INTO response_comments (response_id, question_key, text, keywords, nps_group, csat_group, answered_at,
                               touchpoint, survey_id, channel, attributes)
SELECT 'b' || i, 'comment', (CAST(:texts AS text[]))[1 + (i / 5) % {n}],
       CAST((CAST(:keywords AS text[]))[1 + (i / 5) % {n}] AS json),
       CASE WHEN metric = 'nps' THEN CASE WHEN value <= 6 THEN 'detractor' WHEN value <= 8 THEN 'passive'
                                          ELSE 'promoter' END END,
       CASE WHEN metric = 'csat' THEN CASE WHEN value >= 4 THEN 'satisfied' ELSE 'unsatisfied' END END,
       at, touchpoint, survey_id, channel, attrs
FROM v WHERE (i / :surveys) % 5 = 0
"""
# Survey side: invitations of the k surveys interleaved in time (invitation j to survey j % k), as they are
# sent; the n-th of a survey (n = j / k) was opened when n % 10 < 6 and completed when n % 10 < 5; an
# unfinished response answered the first (n % 3) questions.
FILL_INVITATIONS = """
INSERT INTO invitations (id, survey_id, survey_version, customer_id, channel, priority, status, expires_at,
                         sent_at, responded_at, attempts, created_at, updated_at)
SELECT j, (CAST(:ids AS int[]))[1 + j % :k], 1, 'c' || (j % 1000003), 'email', 0, 'sent', t + interval '14 days',
       t, CASE WHEN (j / :k) % 10 < 5 THEN t + interval '1 hour' END, 1, t, t
FROM (SELECT j, CAST(:end AS timestamptz) - ({span}.0 * (:count + 1 - j) / :count) * interval '1 second' AS t
      FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS j) AS g
"""
FILL_SURVEY_RESPONSES = """
INSERT INTO responses (id, invitation_id, survey_id, survey_version, customer_id, touchpoint, channel, lang,
                       attributes, answers, version, completed, opened_at, first_answer_at, completed_at,
                       created_at, updated_at, shown_questions, triage_status, excluded)
SELECT 'inv' || i.id, i.id, i.survey_id, 1, i.customer_id, f.touchpoint, 'email', 'ko', '{}',
       CASE WHEN (i.id / :k) % 10 < 5 THEN f.complete
            ELSE (SELECT COALESCE(jsonb_object_agg(key, value), '{}') FROM jsonb_each(f.complete)
                  WHERE key = ANY(f.keys[1:((i.id / :k) % 3)])) END,
       1, (i.id / :k) % 10 < 5, i.sent_at + interval '5 minutes',
       CASE WHEN (i.id / :k) % 10 < 5 OR (i.id / :k) % 3 > 0 THEN i.sent_at + interval '6 minutes' END,
       CASE WHEN (i.id / :k) % 10 < 5 THEN i.sent_at + interval '5 minutes'
                                            + ((i.id * 37) % 600) * interval '1 second' END,
       i.sent_at + interval '5 minutes', i.sent_at + interval '5 minutes', f.keys_json, 'new', false
FROM invitations i JOIN bench_funnels f ON f.survey_id = i.survey_id
WHERE i.id BETWEEN :first AND :last AND (i.id / :k) % 10 < 6
ORDER BY i.id
"""


def _definitions(connection, surveys: list[dict]) -> None:
    """The survey and score-question tables the fill joins (temporary, dropped at the end)."""
    connection.execute(text("CREATE TEMPORARY TABLE bench_surveys (s int, survey_id text, touchpoint text, nk int)"))
    connection.execute(text("CREATE TEMPORARY TABLE bench_questions (s int, k int, metric text, question_key text, "
                            "dimension text, driver text)"))
    for s, survey in enumerate(surveys):
        scored = [q for q in survey["questions"] if q["type"] in SCORE_METRICS]
        connection.execute(text("INSERT INTO bench_surveys VALUES (:s, :id, :tp, :nk)"),
                           {"s": s, "id": str(survey["id"]), "tp": survey["touchpoint"], "nk": len(scored)})
        for k, question in enumerate(scored):
            connection.execute(text("INSERT INTO bench_questions VALUES (:s, :k, :m, :key, :dim, :drv)"),
                               {"s": s, "k": k, "m": question["type"], "key": question["key"],
                                "dim": question.get("dimension"), "drv": question.get("driver")})


def seed_metrics(engine: Engine, surveys: list[dict], rows: int, end: datetime, log=print) -> None:
    """``rows`` responses with their score answers and comments, in steps of a million rows."""
    values = {"end": end, "surveys": len(surveys), "rows": rows, "texts": [t for t, _k in COMMENTS],
              "keywords": [json.dumps(k, ensure_ascii=False) for _t, k in COMMENTS]}
    prefix = ROWS.format(span=YEARS_SECONDS, channels=CHANNELS, plans=PLANS)
    with engine.begin() as connection:
        _definitions(connection, surveys)
        for first in range(0, rows, STEP):
            started = time.perf_counter()
            bounds = {**values, "first": first, "last": min(rows, first + STEP) - 1}
            for statement in (FILL_RESPONSES, FILL_SCORES, FILL_COMMENTS.format(n=len(COMMENTS))):
                connection.execute(text(prefix + statement), bounds)
            log(f"  metrics: rows {first:,}-{bounds['last']:,} in {time.perf_counter() - started:.1f} s")


def seed_funnels(engine: Engine, surveys: list[dict], responses: int, end: datetime) -> None:
    """The funnels of ``surveys``: ``2 * responses`` invitations each, sent over two years, their responses."""
    invitations = 2 * responses * len(surveys)
    with engine.begin() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE bench_funnels (survey_id int, touchpoint text, complete jsonb, "
                                "keys text[], keys_json jsonb)"))
        for survey in surveys:
            keys = [str(q["key"]) for q in survey["questions"]]
            complete = {str(q["key"]): {"nps": 9, "csat": 4, "ces": 6, "text": "좋아요", "single_choice": "price",
                                        "multi_choice": ["late"]}.get(q["type"], "x") for q in survey["questions"]}
            connection.execute(text("INSERT INTO bench_funnels VALUES (:id, :tp, CAST(:complete AS jsonb), :keys, "
                                    "CAST(:keys_json AS jsonb))"),
                               {"id": survey["id"], "tp": survey["touchpoint"], "complete": json.dumps(complete),
                                "keys": keys, "keys_json": json.dumps(keys)})
        for first in range(1, invitations + 1, STEP):
            bounds = {"k": len(surveys), "first": first, "last": min(invitations, first + STEP - 1)}
            connection.execute(text(FILL_INVITATIONS.format(span=YEARS_SECONDS)), {
                **bounds, "ids": [survey["id"] for survey in surveys], "end": end, "count": invitations})
            connection.execute(text(FILL_SURVEY_RESPONSES), bounds)


@contextmanager
def indexes_set_aside(engine: Engine, tables: tuple[str, ...]):
    """Drop the tables' secondary indexes (not primary keys or unique constraints) for the load; make them
    again, from the definitions PostgreSQL gave, when it is done."""
    with engine.begin() as connection:
        kept = connection.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = ANY(:tables) "
            "AND i.schemaname = current_schema() AND NOT x.indisprimary AND NOT x.indisunique"),
            {"tables": list(tables)}).all()
        for name, _definition in kept:
            connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    with engine.begin() as connection:
        connection.execute(text("SET maintenance_work_mem = '512MB'"))
        for _name, definition in kept:
            connection.execute(text(definition))


def analyze(engine: Engine, tables: tuple[str, ...]) -> None:
    """VACUUM ANALYZE the filled tables, as autovacuum would soon after a bulk load."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.execute(text(f"VACUUM ANALYZE {table}"))
