"""The columns and rows of the console's table exports (beyond the inbox, the send log and CLV customers).

Column names are English snake_case and stable (documented in the console README); values are the APIs'
own, unformatted: numbers as numbers, days as dates, moments in the person's time zone (``in_zone``).
An estimate spreads over ``value, ci_low, ci_high, n, confidence, method, insufficient``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from services.console.exports import in_zone

ESTIMATE = ("value", "ci_low", "ci_high", "n", "confidence", "method", "insufficient")


def _estimate(estimate: Mapping[str, Any] | None) -> list[Any]:
    estimate = estimate or {}
    return [estimate.get(name) for name in ESTIMATE]


def _day(text: Any) -> Any:
    """A period's first day as a date (an API period such as ``2025-02-24``); anything else as it came."""
    if isinstance(text, str):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _moment(text: Any, tz_name: str) -> datetime | None:
    """An ISO moment held as text (alert snapshots) in the person's time zone."""
    if not text:
        return None
    try:
        return in_zone(datetime.fromisoformat(str(text)), tz_name)
    except ValueError:
        return None


# ---- scores: the explorer, the survey summary's trend and breakdown ------------------------------

SCORES_COLUMNS = ("metric", "by", "by_value", "split", "split_value", *ESTIMATE, "partial")


def scores_rows(report: Mapping[str, Any], by: str, split: str) -> Iterator[list[Any]]:
    """The explorer's table: one row per period of each line when grouped by period, else one per cell."""
    if by == "period":
        for series in report.get("series") or []:
            group = series.get("group") or {}
            for point in series["points"]:
                yield [series["metric"], by, _day(point["period"]), split or None,
                       group.get(split) if split else None, *_estimate(point), bool(point.get("partial"))]
        return
    for cell in report.get("cells") or []:
        group = cell.get("group") or {}
        yield [cell["metric"], by or None, group.get(by) if by else None, split or None,
               group.get(split) if split else None, *_estimate(cell), cell.get("partial")]


TREND_COLUMNS = ("metric", "period", "period_start", *ESTIMATE, "partial")


def trend_rows(report: Mapping[str, Any] | None, period: str) -> Iterator[list[Any]]:
    """The survey summary's trend tables (every metric): one row per period."""
    for series in (report or {}).get("series") or []:
        for point in series["points"]:
            yield [series["metric"], period, _day(point["period"]), *_estimate(point), bool(point.get("partial"))]


BREAKDOWN_COLUMNS = ("metric", "group_by", "group", *ESTIMATE)


def breakdown_rows(report: Mapping[str, Any] | None, by: str) -> Iterator[list[Any]]:
    """The survey summary's breakdown tables (every metric): one row per group, highest value first."""
    cells = sorted((report or {}).get("cells") or [],
                   key=lambda c: (c["metric"], c.get("value") is None, -(c.get("value") or 0.0)))
    for cell in cells:
        yield [cell["metric"], by, (cell.get("group") or {}).get(by), *_estimate(cell)]


# ---- the home page's surveys --------------------------------------------------------------------

SURVEYS_COLUMNS = ("survey_id", "survey", "touchpoint", "metric", *ESTIMATE, "change", "change_ci_low",
                   "change_ci_high", "p_value", "significant", "direction")


def survey_rows(cards: Iterable[Any]) -> Iterator[list[Any]]:
    """One row per survey card of the home page: its main score and the change against the period before."""
    for card in cards:
        comparison = card.comparison or {}
        difference = comparison.get("difference") or {}
        survey_id = int(card.survey_id) if str(card.survey_id).isdigit() else card.survey_id
        yield [survey_id, card.name, card.touchpoint or None, card.metric, *_estimate(card.estimate),
               difference.get("value"), difference.get("ci_low"), difference.get("ci_high"),
               comparison.get("p_value"), comparison.get("significant"), comparison.get("direction")]


# ---- cases --------------------------------------------------------------------------------------

CASES_COLUMNS = ("case_id", "status", "outcome", "overdue", "metric", "score", "comment", "survey_id", "survey",
                 "touchpoint", "channel", "customer_id", "response_id", "assignee_id", "assignee", "answered_at",
                 "opened_at", "acknowledged_at", "first_action_at", "resolved_at", "due_at", "age_seconds",
                 "time_to_first_action_seconds")


def case_rows(cases: Iterable[Mapping[str, Any]], tz_name: str) -> Iterator[list[Any]]:
    """One row per case, as notifier lists it."""
    for case in cases:
        assignee = case.get("assignee") or {}
        yield [case["id"], case["status"], case.get("outcome"), case.get("overdue"), case["metric"], case["score"],
               case.get("comment"), case.get("survey_id"), case.get("survey_title"), case.get("touchpoint"),
               case.get("channel"), case.get("customer_id"), case.get("response_id"), assignee.get("id"),
               assignee.get("name"),
               *[in_zone(case.get(name), tz_name) for name in ("answered_at", "opened_at", "acknowledged_at",
                                                                "first_action_at", "resolved_at", "due_at")],
               case.get("age_seconds"), case.get("time_to_first_action_seconds")]


# ---- the audit log ------------------------------------------------------------------------------

AUDIT_COLUMNS = ("entry_id", "at", "actor_email", "action", "target", "details")


def audit_rows(entries: Iterable[Any], tz_name: str) -> Iterator[list[Any]]:
    """One row per audit entry; its details as JSON text."""
    for entry in entries:
        yield [entry.id, in_zone(entry.at, tz_name), entry.actor_email, entry.action, entry.target,
               json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True, default=str)]


# ---- alert episodes -----------------------------------------------------------------------------

EPISODES_COLUMNS = ("episode_id", "subscription_id", "alert", "metric", "state", "group", "window_from",
                    "window_to", "opened_at", "notified_at", "resolved_at", "notices", "value", "ci_low",
                    "ci_high", "n", "baseline_value", "baseline_ci_low", "baseline_ci_high", "baseline_n",
                    "difference", "difference_ci_low", "difference_ci_high", "p_value")


def episode_rows(episodes: Iterable[Mapping[str, Any]], subscriptions: Mapping[str, Mapping[str, Any]],
                 tz_name: str) -> Iterator[list[Any]]:
    """One row per alert episode with the numbers of the window that raised it."""
    for episode in episodes:
        snapshot = episode.get("snapshot") or {}
        window = snapshot.get("window") or {}
        subscription = subscriptions.get(episode["subscription_id"]) or {}
        group = "; ".join(f"{name}={value}" for name, value in sorted((episode.get("group") or {}).items()))
        numbers = []
        for part in ("current", "baseline", "difference"):
            estimate = snapshot.get(part) or {}
            numbers += [estimate.get("value"), estimate.get("ci_low"), estimate.get("ci_high")]
            if part != "difference":
                numbers.append(estimate.get("n"))
        yield [episode["id"], episode["subscription_id"], subscription.get("name"), subscription.get("metric"),
               episode["state"], group or None, _moment(window.get("from"), tz_name), _moment(window.get("to"), tz_name),
               *[in_zone(episode.get(name), tz_name) for name in ("opened_at", "notified_at", "resolved_at")],
               episode.get("notices"), *numbers, snapshot.get("p_value")]


# ---- retention and churn ------------------------------------------------------------------------

RETENTION_COLUMNS = ("cohort", "cohort_from", "cohort_to", "contracts", "churned_total", "period", "at_risk",
                     "churned", "censored", "survival", "ci_low", "ci_high")


def retention_rows(curves: Iterable[tuple[Any, Mapping[str, Any] | None]]) -> Iterator[list[Any]]:
    """One row per cohort and month since start: the Kaplan-Meier curve with its interval."""
    for cohort, report in curves:
        for point in (report or {}).get("kaplan_meier") or []:
            yield [cohort.label, cohort.first, cohort.last, report["customers"], report["churned"], point["period"],
                   point["at_risk"], point["churned"], point["censored"], point["survival"], point["ci_low"],
                   point["ci_high"]]


CHURN_COLUMNS = ("period", "period_start", "period_end", "partial", "at_risk", "churned", "churn_rate", "ci_low",
                 "ci_high", "confidence", "method", "insufficient")


def churn_rows(rates: Mapping[str, Any] | None) -> Iterator[list[Any]]:
    """One row per churn period."""
    for rate in (rates or {}).get("rates") or []:
        estimate = rate.get("rate") or {}
        yield [rates["period"], rate["period_start"], rate["period_end"], bool(rate.get("partial")), rate["at_risk"],
               rate["churned"], estimate.get("value"), estimate.get("ci_low"), estimate.get("ci_high"),
               estimate.get("confidence"), estimate.get("method"), estimate.get("insufficient")]
