"""Use cases behind ``GET /v1/scores`` and ``GET /v1/scores/compare``."""

from __future__ import annotations

import math
import zoneinfo
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.scores.disclosure import check_personal_scope, merge_small_cells
from services.metrics.scores.metric_defs import METRICS, difference, estimate, volume
from services.metrics.scores.query import COLUMNS, Scope, grouped_counts, unmatched_filters
from shared.contracts.scores import VOLUME
from shared.personal_data import Disclosure

DEFAULT_RANGE = timedelta(days=90)


def resolve_moment(value: date | datetime | None, tz_name: str, default: datetime) -> datetime:
    """A query's date or date-time as an aware UTC datetime (dates and naive times are local)."""
    if value is None:
        return default
    tz = zoneinfo.ZoneInfo(tz_name)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def scope_from_args(args: dict[str, Any], *, metrics: tuple[str, ...], start: datetime, end: datetime) -> Scope:
    """The filters of a query as a ``Scope``."""
    segments: dict[str, list[str]] = defaultdict(list)
    for item in args.get("segment", []):
        attribute, _, value = item.partition(":")
        segments[attribute].append(value)
    filters = {name: list(args.get(name, [])) for name in COLUMNS}
    return Scope(metrics=metrics, start=start, end=end, filters=filters, segments=dict(segments))


def _group_dict(group_by: list[str], keys: tuple) -> dict[str, str | None]:
    return {name: (None if key is None else str(key)) for name, key in zip(group_by, keys, strict=True)}


def score_report(session: Session, args: dict[str, Any], *, now: datetime,
                 disclosure: Disclosure | None = None) -> dict[str, Any]:
    """Scores per group with intervals, plus trend series when grouped by period.

    ``disclosure`` (default: everything) refuses personal groupings and merges small attribute cells.
    """
    disclosure = disclosure or Disclosure.full()
    check_personal_scope(args, disclosure)
    end = resolve_moment(args.get("to"), args["tz"], now)
    start = resolve_moment(args.get("from_"), args["tz"], end - DEFAULT_RANGE)
    if start >= end:
        raise InvalidInputError("'from' must be before 'to'", errors={"from": ["must be before 'to'"]})
    metrics = tuple(dict.fromkeys(args["metric"]))
    if args["method"] != "default" and metrics != ("ces",):
        raise InvalidInputError(f"method={args['method']} applies to CES only", errors={"method": ["CES only"]})
    group_by = list(dict.fromkeys(args["group_by"]))
    scope = scope_from_args(args, metrics=metrics, start=start, end=end)
    counts = grouped_counts(session, scope, group_by, period=args["period"], tz_name=args["tz"])
    [counts] = merge_small_cells([counts], group_by, disclosure.cell_minimum)
    rng = np.random.default_rng(20261123)  # reproducible bootstrap intervals
    cells = []
    for metric, *keys in sorted(counts, key=lambda k: tuple("" if v is None else str(v) for v in k)):
        result = estimate(metric, counts[(metric, *keys)], confidence=args["confidence"],
                          min_n=args["min_n"], method=args["method"], rng=rng)
        cell = {"metric": metric, "group": _group_dict(group_by, tuple(keys)), **result.as_dict(),
                "answer_counts": [int(c) for c in METRICS[metric].levels(counts[(metric, *keys)])]}
        if "period" in group_by:
            cell["partial"] = period_is_partial(cell["group"]["period"], args["period"], args["tz"],
                                                covered=(start, min(end, now)))
        cells.append(cell)
    return {"metric": ",".join(metrics), "from_": start, "to": end, "tz": args["tz"],
            "period": args["period"] if "period" in group_by else None, "group_by": group_by,
            "confidence": args["confidence"], "min_n": args["min_n"], "cells": cells,
            "series": _series(cells, group_by), "min_cell_size": disclosure.cell_minimum or None,
            "unmatched": unmatched_filters(session, scope)}


def period_is_partial(label: str, period: str, tz_name: str, *, covered: tuple[datetime, datetime]) -> bool:
    """Whether the day / ISO week / month starting on local day ``label`` is only partly inside
    ``covered`` (the query's range, cut at now): not over yet, or cut by ``from`` or ``to``."""
    tz = zoneinfo.ZoneInfo(tz_name)
    first = date.fromisoformat(label)
    if period == "day":
        following = first + timedelta(days=1)
    elif period == "week":
        following = first + timedelta(days=7)
    else:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    begins = datetime.combine(first, time.min, tzinfo=tz).astimezone(UTC)
    ends = datetime.combine(following, time.min, tzinfo=tz).astimezone(UTC)
    return begins < covered[0] or ends > covered[1]


def _series(cells: list[dict[str, Any]], group_by: list[str]) -> list[dict[str, Any]]:
    if "period" not in group_by:
        return []
    lines: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for cell in cells:
        rest = {k: v for k, v in cell["group"].items() if k != "period"}
        point = {k: v for k, v in cell.items() if k not in ("group", "metric")}
        key = (cell["metric"], tuple(sorted(rest.items(), key=str)))
        lines[key].append({**point, "period": cell["group"]["period"]})
    return [{"metric": metric, "group": dict(group), "points": sorted(points, key=lambda p: p["period"])}
            for (metric, group), points in lines.items()]


def compare_windows(args: dict[str, Any], now: datetime) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
    """The current and the baseline window of a compare: ``((from, to), (from, to))``.

    ``baseline=year_ago``: the same local dates and times one calendar year earlier (29 February
    becomes the 28th), so a month is compared with the same month and a seasonal peak with itself.
    """
    end = resolve_moment(args.get("end"), args["tz"], now)
    window: timedelta = args["window"]
    if args["baseline"] == "year_ago":
        start = end - window
        return (start, end), (year_earlier(start, args["tz"]), year_earlier(end, args["tz"]))
    windows = args["baseline_windows"] if args["baseline"] == "last_n" else 1
    return (end - window, end), (end - window * (windows + 1), end - window)


def year_earlier(moment: datetime, tz_name: str) -> datetime:
    """The same local date and time in ``tz_name`` one year before ``moment`` (29 February -> 28th), in UTC."""
    local = moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year - 1, day=day).astimezone(UTC)


def compare_report(session: Session, args: dict[str, Any], *, now: datetime,
                   disclosure: Disclosure | None = None, counts: tuple[dict, dict] | None = None) -> dict[str, Any]:
    """The current window against the previous window or the last N windows, per group.

    ``disclosure`` as for ``score_report``; a cell is small when either window is. ``counts``: the
    windows' ``grouped_counts`` when the caller already has them (an explanation sums its segments').
    """
    disclosure = disclosure or Disclosure.full()
    check_personal_scope(args, disclosure)
    current, baseline = compare_windows(args, now)
    end = current[1]
    group_by = list(dict.fromkeys(args["group_by"]))
    metrics = (args["volume_of"] if args["metric"] == VOLUME else args["metric"],)
    if counts is not None:
        now_counts, before_counts = counts
    else:
        now_counts = grouped_counts(session, scope_from_args(args, metrics=metrics, start=current[0],
                                                             end=current[1]), group_by)
        before_counts = grouped_counts(session, scope_from_args(args, metrics=metrics,
                                                                start=baseline[0], end=baseline[1]), group_by)
    now_counts, before_counts = merge_small_cells([now_counts, before_counts], group_by,
                                                  disclosure.cell_minimum)
    unmatched = unmatched_filters(session, scope_from_args(args, metrics=metrics, start=baseline[0], end=end))
    cells = []
    keys = sorted(set(now_counts) | set(before_counts),
                  key=lambda k: tuple("" if v is None else str(v) for v in k))
    for key in keys:
        cell = _volume_cell if args["metric"] == VOLUME else _compare_cell
        cells.append(cell(args, _group_dict(group_by, key[1:]), now_counts.get(key, {}),
                          before_counts.get(key, {})))
    return {"metric": args["metric"], "current_window": {"from_": current[0], "to": current[1]},
            "baseline_window": {"from_": baseline[0], "to": baseline[1]}, "baseline": args["baseline"],
            "alternative": args["alternative"], "alpha": args["alpha"], "test": args["test"],
            "volume_of": args.get("volume_of"),
            "confidence": args["confidence"], "group_by": group_by, "cells": cells,
            "min_cell_size": disclosure.cell_minimum or None, "unmatched": unmatched}


def _compare_cell(args, group, now_counts, before_counts) -> dict[str, Any]:
    options = {"confidence": args["confidence"], "min_n": args["min_n"]}
    change = difference(args["metric"], now_counts, before_counts, alternative=args["alternative"],
                        test=args["test"], **options)
    return _verdict(args, group, estimate(args["metric"], now_counts, **options),
                    estimate(args["metric"], before_counts, **options), change)


def _volume_cell(args, group, now_counts, before_counts) -> dict[str, Any]:
    windows = args["baseline_windows"] if args["baseline"] == "last_n" else 1
    counted = volume(now_counts, before_counts, windows=windows, confidence=args["confidence"],
                     alternative=args["alternative"], min_n=args["min_n"])
    return _verdict(args, group, counted.current, counted.baseline, counted.difference)


def _verdict(args, group, current, baseline, change) -> dict[str, Any]:
    """A compare cell: both windows, the difference and whether it is significant at ``alpha``."""
    p_value = change.parts.get("p_value", math.nan)
    significant = bool(not change.insufficient and math.isfinite(p_value) and p_value < args["alpha"])
    direction = "none"
    if significant:
        direction = "down" if change.value < 0 else "up"
    return {"group": group, "current": current.as_dict(), "baseline": baseline.as_dict(),
            "difference": change.as_dict(), "p_value": p_value, "test": change.parts.get("test"),
            "significant": significant, "direction": direction}
