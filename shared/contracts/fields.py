"""Custom marshmallow fields used by several contracts."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zoneinfo

from marshmallow import ValidationError, fields, validate

# Bounds every contract shares, so that whatever an API accepts a worker can always compute with and
# read back: dates stay far from the ends of the calendar (adding a year-long window or converting
# between extreme UTC offsets can never overflow), ids fit the 64-bit columns, windows are bounded.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
MAX_WINDOW = dt.timedelta(days=366)
LANGUAGE = validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", error="a language code such as 'ko' or 'en'")


def check_plausible(value):
    """Return a date or date-time inside [1900-01-01, 2199-12-31]; raise ``ValidationError`` outside.

    The calendar date is compared as written, before any conversion between offsets, so that the
    check itself cannot overflow.
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(f"dates must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


class Timestamp(fields.AwareDateTime):
    """An ISO date-time with an offset, within the plausible calendar range."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > 64:
            raise ValidationError("not an ISO date-time")
        return check_plausible(super()._deserialize(value, attr, data, **kwargs))


class CalendarDate(fields.Date):
    """An ISO date (``2026-01-31``) within the plausible calendar range."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > 10:
            raise ValidationError("not an ISO date (YYYY-MM-DD)")
        return check_plausible(super()._deserialize(value, attr, data, **kwargs))


class Id(fields.Integer):
    """A numeric id: 1 to 2**63 - 1 (the bigint columns)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Range(1, MAX_ID), **kwargs)


class Offset(fields.Integer):
    """A list offset: 0 to one billion (keyset cursors serve deeper paging)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("load_default", 0)
        super().__init__(validate=validate.Range(0, MAX_OFFSET), **kwargs)


class FiniteFloat(fields.Float):
    """A float that dumps NaN and infinities as null (JSON has no NaN)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        return super()._serialize(value, attr, obj, **kwargs)


class Moment(fields.Field):
    """An ISO date (``2026-01-31``) or date-time; a date or naive time is read in the query's time zone later."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("expected an ISO date or date-time")
        try:
            if len(value) == 10:
                return check_plausible(dt.date.fromisoformat(value))
            return check_plausible(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError as exc:
            raise ValidationError(f"not an ISO date or date-time: {value[:40]!r}") from exc

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class TimeZoneName(fields.String):
    """An IANA time zone name such as ``Asia/Seoul``."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown time zone {name!r}") from exc
        return name


_DURATION = re.compile(r"^([0-9]{1,4})([hdw])$", re.ASCII)


class Duration(fields.String):
    """A window length like ``24h``, ``7d`` or ``4w``, loaded as a ``timedelta`` of at most ``maximum``.

    What it dumps it can load again: the longest window, in days or hours, fits the pattern.
    """

    def __init__(self, *, maximum: dt.timedelta = MAX_WINDOW, **kwargs) -> None:
        super().__init__(**kwargs)
        self.maximum = maximum

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _DURATION.match(text)
        if not match or int(match.group(1)) == 0:
            raise ValidationError("expected a duration like 24h, 7d or 4w")
        amount, unit = int(match.group(1)), match.group(2)
        span = dt.timedelta(hours=amount) if unit == "h" else dt.timedelta(days=amount * (7 if unit == "w" else 1))
        if span > self.maximum:
            raise ValidationError(f"at most {self.maximum.days} days")
        return span

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or isinstance(value, str):
            return value
        hours = int(value.total_seconds() // 3600)
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"


class CommaList(fields.List):
    """A list that also accepts comma-separated items: ``?group_by=period,touchpoint``."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list | tuple) else [value]
        split = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
        return super()._deserialize(split, attr, data, **kwargs)


def json_safe(value):
    """Replace NaN and infinities by None, recursively (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


class JsonSafeDict(fields.Dict):
    """A dict whose non-finite floats dump as null."""

    def _serialize(self, value, attr, obj, **kwargs):
        return json_safe(super()._serialize(value, attr, obj, **kwargs))


def _breaks_a_line(char: str) -> bool:
    """A line break (``\\r``, ``\\n``, U+2028, ...) or another control character other than tab."""
    return char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp")


def one_line(text: str) -> str:
    """``text`` with every line break and control character replaced by a space (for headers)."""
    return "".join(" " if _breaks_a_line(c) else c for c in text)


class SingleLine(fields.String):
    """A string that must stay on one line: names, titles and subjects end up in email headers."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(_breaks_a_line(c) for c in text):
            raise ValidationError("must be a single line: no line breaks or control characters")
        return text
