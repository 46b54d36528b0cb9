"""The responses inbox's filters, read from the query string (the URL holds the whole state) and turned
into ``GET /v1/responses`` parameters; the rows of its table, for the page and for exports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from services.console.exports import in_zone
from shared.contracts.scores import SEGMENT_FILTER
from shared.contracts.triage import TAG
from shared.statuses import ResponseStatus

PAGE_SIZE = 50
STATUS_LABELS = {ResponseStatus.NEW: _l("New"), ResponseStatus.READ: _l("Read"), ResponseStatus.ARCHIVED: _l("Archived")}
assert set(STATUS_LABELS) == set(ResponseStatus)
STATUS_TONES = {ResponseStatus.NEW: "info", ResponseStatus.READ: "neutral", ResponseStatus.ARCHIVED: "neutral"}
EXCLUDED_CHOICES = ("hide", "only")  # test responses: shown with a badge by default, hidden, or alone
TEXT_FILTERS = ("touchpoint", "tag", "q")
_TAG = re.compile(TAG.regex.pattern)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox shows: the form's values as typed (to fill it again) and the API's parameters."""

    values: dict[str, Any] = field(default_factory=dict)
    segments: tuple[str, ...] = ()

    def api_params(self, tz_name: str) -> dict[str, Any]:
        """``GET /v1/responses`` parameters, newest first; dates are days in the person's time zone."""
        v, params = self.values, {"order": "newest"}
        for name in ("survey", "status", "score_min", "score_max", *TEXT_FILTERS):
            if v.get(name) not in (None, ""):
                params[name] = v[name]
        if v.get("comment") in ("yes", "no"):
            params["has_comment"] = "true" if v["comment"] == "yes" else "false"
        if v.get("excluded") in EXCLUDED_CHOICES:
            params["excluded"] = "true" if v["excluded"] == "only" else "false"
        zone = ZoneInfo(tz_name)
        if v.get("from"):
            params["from"] = datetime.combine(v["from"], time(), zone).isoformat()
        if v.get("to"):
            params["to"] = datetime.combine(v["to"] + timedelta(days=1), time(), zone).isoformat()
        if self.segments:
            params["segment"] = list(self.segments)
        return params

    def query(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of these filters (for links: next page, exports)."""
        pairs = {name: (value.isoformat() if isinstance(value, date) else value)
                 for name, value in {**self.values, **changes}.items() if value not in (None, "")}
        if self.segments:
            pairs["segment"] = list(self.segments)
        return pairs

    @property
    def any(self) -> bool:
        """Whether any filter is set."""
        return bool(self.segments or any(v not in (None, "") for v in self.values.values()))


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _score(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and int(text) <= 10 else None


def read_inbox_filters(args: Mapping[str, Any]) -> InboxFilters:
    """The filters of a query string; a malformed value is dropped (never a 500), the rest kept."""
    survey = args.get("survey", "")
    values: dict[str, Any] = {
        "survey": int(survey) if survey.isdigit() and 0 < int(survey) < 2 ** 62 else None,
        "status": args.get("status") if args.get("status") in set(ResponseStatus) else None,
        "score_min": _score(args.get("score_min")), "score_max": _score(args.get("score_max")),
        "comment": args.get("comment") if args.get("comment") in ("yes", "no") else None,
        "excluded": args.get("excluded") if args.get("excluded") in EXCLUDED_CHOICES else None,
        "from": _day(args.get("from")), "to": _day(args.get("to")),
    }
    for name in TEXT_FILTERS:
        text = " ".join((args.get(name) or "").split())[:200]
        values[name] = text if text and (name != "tag" or _TAG.match(text)) else None
    raw = args.getlist("segment") if hasattr(args, "getlist") else []
    segments = tuple(s.strip() for s in raw if SEGMENT_FILTER.match(s.strip()))[:5]
    return InboxFilters(values=values, segments=segments)


EXPORT_COLUMNS = ("response_id", "answered_at", "survey_id", "touchpoint", "channel", "customer_id", "score_metric",
                  "score", "comment", "status", "tags", "excluded_as_test", "completed")


def export_row(record: Mapping[str, Any], tz_name: str) -> list[Any]:
    """One response as a row of the inbox's export (times in the person's time zone)."""
    answered = record.get("completed_at") or record["updated_at"]
    summary, triage = record.get("summary") or {}, record.get("triage") or {}
    return [record["response_id"], in_zone(answered, tz_name),
            record["survey_id"], record.get("touchpoint"), record.get("channel"), record.get("customer_id"),
            summary.get("score_metric"), summary.get("score"), summary.get("comment"), triage.get("status"),
            ", ".join(triage.get("tags") or []), bool(triage.get("excluded")), record["completed"]]
