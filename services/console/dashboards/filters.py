"""The one filter bar of the dashboards: a date preset or a custom range, touchpoint, channel, survey
and segments, read from the query string (the URL holds the whole state) and turned into API queries.

Dates are the person's local days: a range is [first day 00:00, day after the last 00:00) in their
time zone, which the scores API reads the same way when given ``tz``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from shared.contracts.scores import SEGMENT_FILTER

PRESETS = ("last_7", "last_30", "last_90", "this_month", "last_month", "this_quarter", "this_year", "custom")
DEFAULT_PRESET = "last_30"
MAX_SEGMENTS = 5
_TEXT = re.compile(r"^[\w.\-:]{1,64}$")


@dataclass(frozen=True)
class Filters:
    """What the filter bar holds, plus the page's own choices in ``extra`` (period, metric, ...)."""

    preset: str = DEFAULT_PRESET
    first: date | None = None  # custom range, inclusive
    last: date | None = None
    touchpoint: str = ""
    channel: str = ""
    survey: str = ""
    segments: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # English keys of what was ignored (the page translates them)

    def days(self, today: date) -> tuple[date, date]:
        """The first day and the day after the last."""
        if self.preset == "custom" and self.first and self.last:
            return self.first, self.last + timedelta(days=1)
        tomorrow = today + timedelta(days=1)
        if self.preset in ("last_7", "last_30", "last_90"):
            return tomorrow - timedelta(days=int(self.preset.split("_")[1])), tomorrow
        if self.preset == "this_month":
            return today.replace(day=1), tomorrow
        if self.preset == "last_month":
            first_this = today.replace(day=1)
            return (first_this - timedelta(days=1)).replace(day=1), first_this
        if self.preset == "this_quarter":
            return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), tomorrow
        if self.preset == "this_year":
            return date(today.year, 1, 1), tomorrow
        return tomorrow - timedelta(days=30), tomorrow

    def scope(self) -> dict[str, Any]:
        """The API's filter parameters (``touchpoint``, ``channel``, ``survey``, ``segment``)."""
        return {"touchpoint": self.touchpoint, "channel": self.channel, "survey": self.survey,
                "segment": list(self.segments)}

    def query(self, **changes: Any) -> str:
        """This state as a query string, with ``changes`` applied (``None`` drops a key)."""
        pairs: list[tuple[str, str]] = [("range", self.preset)]
        if self.preset == "custom" and self.first and self.last:
            pairs += [("from", self.first.isoformat()), ("to", self.last.isoformat())]
        for name in ("touchpoint", "channel", "survey"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        pairs += [("segment", segment) for segment in self.segments]
        pairs += sorted(self.extra.items())
        merged = [(k, v) for k, v in pairs if k not in changes]
        merged += [(k, str(v)) for k, v in changes.items() if v is not None]
        return urlencode(merged)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_filters(args, *, extra: dict[str, tuple[str, ...]] | None = None) -> Filters:
    """The filter bar from request args; ``extra`` names the page's own choices and their allowed values
    (the first is the default). Values that make no sense are dropped and named in ``problems``."""
    problems: list[str] = []
    preset = args.get("range") or DEFAULT_PRESET
    if preset not in PRESETS:
        problems.append("range")
        preset = DEFAULT_PRESET
    first, last = _date(args.get("from")), _date(args.get("to"))
    if preset == "custom" and not (first and last and first <= last and (last - first).days <= 3 * 366):
        problems.append("custom")
        preset, first, last = DEFAULT_PRESET, None, None
    texts = {}
    for name in ("touchpoint", "channel", "survey"):
        value = (args.get(name) or "").strip()
        if value and not _TEXT.match(value):
            problems.append(name)
            value = ""
        texts[name] = value
    segments = []
    for raw in args.getlist("segment") if hasattr(args, "getlist") else args.get("segment", []):
        raw = raw.strip()
        if not raw:
            continue
        if SEGMENT_FILTER.match(raw) and len(segments) < MAX_SEGMENTS:
            segments.append(raw)
        else:
            problems.append("segment")
    chosen = {}
    for name, allowed in (extra or {}).items():
        value = args.get(name) or allowed[0]
        if value not in allowed:
            problems.append(name)
            value = allowed[0]
        chosen[name] = value
    return Filters(preset=preset, first=first, last=last, segments=tuple(segments), extra=chosen,
                   problems=tuple(problems), **texts)


def utc_bounds(filters: Filters, *, now: datetime, tz_name: str) -> tuple[datetime, datetime, date, date]:
    """The range as UTC instants and as local days: (start, end, first day, day after the last)."""
    zone = ZoneInfo(tz_name)
    first, after = filters.days(now.astimezone(zone).date())
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(after, time.min, tzinfo=zone).astimezone(UTC)
    return start, end, first, after


def with_survey(filters: Filters, survey_id: int) -> Filters:
    """The same filters narrowed to one survey (the survey summary)."""
    return replace(filters, survey=str(survey_id))
