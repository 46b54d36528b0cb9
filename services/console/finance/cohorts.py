"""The retention page's choices: cohorts by month or quarter ending with the current one, read from the URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from services.console.dashboards.charting import format_skeleton

COHORT_KINDS = ("month", "quarter")
COHORT_COUNTS = (3, 4, 6, 8, 12)
DEFAULT_COUNTS = {"month": 6, "quarter": 4}
PROJECTION_MONTHS = 12


@dataclass(frozen=True)
class Cohort:
    """Contracts started from ``first`` to ``last`` (inclusive)."""

    first: date
    last: date
    label: str


@dataclass(frozen=True)
class RetentionChoice:
    """What the page shows: the cohort kind, how many cohorts, a segment, and the day they are seen at."""

    kind: str
    count: int
    segment: str
    as_of: date

    def cohorts(self) -> list[Cohort]:
        """The cohorts, oldest first, the last one holding ``as_of``."""
        step = 3 if self.kind == "quarter" else 1
        start = date(self.as_of.year, self.as_of.month - (self.as_of.month - 1) % step, 1)
        found = []
        for _index in range(self.count):
            after = _add_months(start, step)
            found.append(Cohort(start, after - timedelta(days=1), self._label(start)))
            start = _add_months(start, -step)
        return found[::-1]

    def _label(self, start: date) -> str:
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d", quarter=(start.month - 1) // 3 + 1, year=start.year)
        return format_skeleton("yMMM", start)

    def retention_params(self, cohort_first: date, cohort_last: date) -> dict:
        """The query of ``GET /v1/churn/retention`` for contracts started in the range, by month."""
        return {"from": cohort_first.isoformat(), "to": cohort_last.isoformat(), "unit": "month",
                "as_of": self.as_of.isoformat(), "horizon": PROJECTION_MONTHS, "segment": self.segment or None}

    def rates_params(self) -> dict:
        """The query of ``GET /v1/churn/rates`` over the cohorts' periods."""
        return {"period": self.kind, "from": self.cohorts()[0].first.isoformat(), "to": self.as_of.isoformat(),
                "segment": self.segment or None}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def read_retention_choice(args: Mapping[str, str], *, today: date) -> RetentionChoice:
    """The page's choices from the query string; anything unknown falls back to the default."""
    kind = args.get("cohort", "month")
    kind = kind if kind in COHORT_KINDS else "month"
    try:
        count = int(args.get("cohorts", ""))
    except ValueError:
        count = DEFAULT_COUNTS[kind]
    count = count if count in COHORT_COUNTS else DEFAULT_COUNTS[kind]
    segment = (args.get("segment") or "").strip()[:64]
    return RetentionChoice(kind=kind, count=count, segment=segment, as_of=today)
