"""Grouped answer counts straight from SQL: the only rows that leave the database are the groups.

Scores need, per group, the count of each answer value (0-10, 1-5 or 1-7); every interval is then
computed from those counts. Periods are cut in the caller's time zone: by PostgreSQL itself
(``date_trunc`` on ``AT TIME ZONE``), or on SQLite from UTC hour (or minute, for zones off the
hour) buckets converted in Python.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, String, func, select
from sqlalchemy.orm import Session

from services.metrics.models.responses import ScoreAnswer
from shared.question_types import SCORE_METRICS

COLUMNS = {"touchpoint": ScoreAnswer.touchpoint, "survey": ScoreAnswer.survey_id,
           "question": ScoreAnswer.question_key, "channel": ScoreAnswer.channel,
           "dimension": ScoreAnswer.dimension, "driver": ScoreAnswer.driver}
ANSWER_FILTERS = frozenset({"question", "dimension", "driver"})  # differ between one response's answers


@dataclass(frozen=True)
class Scope:
    """Which answers count: the metrics, a time range [start, end) and filters."""

    metrics: tuple[str, ...]
    start: datetime
    end: datetime
    filters: dict[str, list[str]] = field(default_factory=dict)
    segments: dict[str, list[str]] = field(default_factory=dict)


def group_expression(name: str) -> ColumnElement:
    """The SQL expression of a non-period group."""
    if name.startswith("attr."):
        return ScoreAnswer.attributes[name[5:]].as_string()
    return COLUMNS[name]


def filter_conditions(scope: Scope, table: type = ScoreAnswer) -> list[ColumnElement]:
    """The scope's filters and segments as SQL conditions on ``table``.

    ``table`` is ``ScoreAnswer`` or another table of rows copied from a response with the same
    response-level columns (``ResponseComment``). On such a table the answer-level filters
    (question, dimension, driver) select the rows whose response holds a score answer that matches
    them all: a comment counts for ``dimension=feel`` when its response answered a feel question.
    """
    conditions: list[ColumnElement] = []
    answer_level: list[ColumnElement] = []
    for name, values in scope.filters.items():
        if not values:
            continue
        if table is ScoreAnswer:
            conditions.append(COLUMNS[name].in_(values))
        elif name in ANSWER_FILTERS:
            answer_level.append(COLUMNS[name].in_(values))
        else:
            conditions.append(getattr(table, COLUMNS[name].key).in_(values))
    if answer_level:
        conditions.append(select(ScoreAnswer.id)
                          .where(ScoreAnswer.response_id == table.response_id, *answer_level).exists())
    for attribute, values in scope.segments.items():
        conditions.append(table.attributes[attribute].as_string().in_(values))
    return conditions


def unmatched_filters(session: Session, scope: Scope, table: type = ScoreAnswer) -> dict[str, list[str]]:
    """The filter values (and ``segment`` values, as ``attribute:value``) that no row of ``table`` in the
    scope's time range carries, so a reply can say so instead of answering a silent empty result.

    Each filter is looked at on its own: a value is matched if some row carries it, whatever the other
    filters. Answer-level filters (question, dimension, driver) are looked up among the score answers,
    as ``filter_conditions`` applies them.
    """
    unmatched: dict[str, list[str]] = {}
    wanted = [(name, values, None) for name, values in scope.filters.items() if values]
    wanted += [("segment", values, attribute) for attribute, values in scope.segments.items()]
    for name, values, attribute in wanted:
        source = ScoreAnswer if table is ScoreAnswer or name in ANSWER_FILTERS else table
        if attribute is not None:
            column = source.attributes[attribute].as_string()
        else:
            column = COLUMNS[name] if source is ScoreAnswer else getattr(source, COLUMNS[name].key)
        seen = set(session.scalars(select(column).distinct().where(
            column.in_(values), source.answered_at >= scope.start, source.answered_at < scope.end)))
        missing = [v for v in dict.fromkeys(values) if v not in seen]
        if missing:
            unmatched.setdefault(name, []).extend(missing if attribute is None else
                                                  [f"{attribute}:{v}" for v in missing])
    return unmatched


def _where(scope: Scope) -> list[ColumnElement]:
    conditions = [ScoreAnswer.answered_at >= scope.start, ScoreAnswer.answered_at < scope.end]
    if set(scope.metrics) != set(SCORE_METRICS):  # the table holds only these: no need to test
        conditions.append(ScoreAnswer.metric.in_(scope.metrics))
    return conditions + filter_conditions(scope)


def _offset_is_whole_hours(tz: zoneinfo.ZoneInfo, start: datetime, end: datetime) -> bool:
    probes = [start + (end - start) * i / 8 for i in range(9)]
    return all((p.astimezone(tz).utcoffset() or timedelta()) % timedelta(hours=1) == timedelta()
               for p in probes)


def period_start(moment: datetime, period: str, tz: zoneinfo.ZoneInfo) -> date:
    """The first local day of the day / ISO week / month holding ``moment``."""
    local = moment.astimezone(tz).date()
    if period == "week":
        return local - timedelta(days=local.weekday())
    if period == "month":
        return local.replace(day=1)
    return local


def grouped_counts(session: Session, scope: Scope, group_by: Sequence[str], *, period: str = "week",
                   tz_name: str = "UTC") -> dict[tuple, dict[int, int]]:
    """``{(metric, *group values): {answer value: count}}``; a period is the ISO date of its first day.

    One scan serves every metric of the scope: the metric is the first grouping column.
    """
    names = list(group_by)
    expressions = [group_expression(n) for n in names if n != "period"]
    postgres = session.get_bind().dialect.name == "postgresql"
    tz = zoneinfo.ZoneInfo(tz_name)
    period_expr = None
    if "period" in names:
        if postgres:
            period_expr = func.date_trunc(period, func.timezone(tz_name, ScoreAnswer.answered_at))
        else:
            width = 13 if _offset_is_whole_hours(tz, scope.start, scope.end) else 16
            period_expr = func.substr(ScoreAnswer.answered_at, 1, width, type_=String)
    selected = ([period_expr] if period_expr is not None else []) + expressions
    query = (select(ScoreAnswer.metric, *selected, ScoreAnswer.value, func.count())
             .where(*_where(scope)).group_by(ScoreAnswer.metric, *selected, ScoreAnswer.value))
    result: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in session.execute(query):
        metric, *keys, value, count = row
        if period_expr is not None:
            bucket, rest = keys[0], keys[1:]
            label = (bucket.date() if postgres else
                     period_start(_bucket_time(bucket), period, tz)).isoformat()
            keys = _insert_period(names, label, rest)
        result[(metric, *keys)][int(value)] += int(count)
    return result


def _bucket_time(bucket: str) -> datetime:
    text = bucket + (":00" if len(bucket) == 13 else "")
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _insert_period(names: list[str], label: str, rest: Sequence) -> list:
    keys, others = [], iter(rest)
    for name in names:
        keys.append(label if name == "period" else next(others))
    return keys
