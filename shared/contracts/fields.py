"""Custom marshmallow fields used by several contracts."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zoneinfo

from marshmallow import ValidationError, fields


class FiniteFloat(fields.Float):
    """A float that dumps NaN and infinities as null (JSON has no NaN)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        return super()._serialize(value, attr, obj, **kwargs)


class Moment(fields.Field):
    """An ISO date (``2026-01-31``) or date-time; a date or naive time is read in the query's time zone later."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("expected an ISO date or date-time")
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError(f"not an ISO date or date-time: {value!r}") from exc

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


_DURATION = re.compile(r"^(\d{1,4})([hdw])$")


class Duration(fields.String):
    """A window length like ``24h``, ``7d`` or ``4w``, loaded as a ``timedelta``."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _DURATION.match(text)
        if not match or int(match.group(1)) == 0:
            raise ValidationError("expected a duration like 24h, 7d or 4w")
        amount, unit = int(match.group(1)), match.group(2)
        return dt.timedelta(hours=amount) if unit == "h" else dt.timedelta(days=amount * (7 if unit == "w" else 1))

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
