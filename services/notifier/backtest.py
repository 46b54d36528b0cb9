"""Backtest of a score rule: decide past windows exactly as the worker does, send and store nothing.

Each aligned window that closed in the span is decided by ``decide_window`` (the worker's own call:
the same compare query, the same rule), then stepped through ``next_step`` (the worker's episode
state machine) at the moment the worker decides it, ``end + settle``. The backtest ignores mutes (it
asks "would it have fired") and lists the notice due at each decision; the repeats the worker sends
between two decisions, once the cooldown passes, are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.common.exceptions import DomainError, InvalidInputError
from services.notifier.rules.episodes import OpenEpisode, next_step
from services.notifier.rules.windows import closed_window_end
from services.notifier.subscriptions import rule_window
from services.notifier.window_decisions import decide_window
from shared.contracts.backtests import BACKTEST_DEFAULT_WEEKS, BACKTEST_MAX_WINDOWS
from shared.contracts.fields import Duration
from shared.http_client import ServiceCallError

_DURATION = Duration()


class MetricsUnavailableError(DomainError):
    """Metrics did not answer, so the past cannot be decided now (503)."""

    status_code = 503
    retry_after = 30


@dataclass(frozen=True)
class DraftRule:
    """The fields of a subscription that deciding a window reads."""

    metric: str
    volume_of: str | None
    scope: dict[str, Any]
    rule: dict[str, Any]


def window_ends(*, now: datetime, window: timedelta, settle: timedelta, weeks: int | None = None,
                start: datetime | None = None, end: datetime | None = None) -> list[datetime]:
    """The ends of the aligned windows to decide, oldest first: those lying inside ``start``..``end``,
    or (by default) those that closed within the last ``weeks`` weeks, as the worker would have seen
    them by ``now``. More than ``BACKTEST_MAX_WINDOWS`` is refused with a 422."""
    latest = closed_window_end(now, window, settle=settle)
    if start is None or end is None:
        start, end = latest - timedelta(weeks=weeks or BACKTEST_DEFAULT_WEEKS), latest
    last = min(closed_window_end(end, window), latest)
    count = (last - start) // window
    if count < 1:
        raise InvalidInputError("no whole window of the rule closed inside the span",
                                errors={"to": ["the span must hold at least one closed window"]})
    if count > BACKTEST_MAX_WINDOWS:
        raise InvalidInputError(f"{count} windows of {_DURATION._serialize(window, 'window', None)} is more than "
                                f"the {BACKTEST_MAX_WINDOWS} a backtest decides; shorten the span or lengthen the window",
                                errors={"weeks": [f"at most {BACKTEST_MAX_WINDOWS} windows"]})
    return [last - window * k for k in range(count - 1, -1, -1)]


def run_backtest(metrics, draft: DraftRule, *, ends: list[datetime], settle: timedelta, cooldown: timedelta,
                 data_link_base: str) -> dict[str, Any]:
    """Decide every window ending at ``ends`` (oldest first) and step the episodes between them."""
    window = rule_window(draft.rule)
    open_episodes: dict[str, OpenEpisode] = {}
    rows: list[dict[str, Any]] = []
    for end in ends:
        try:
            decided = {found.scope_key: found for found in decide_window(
                metrics, draft, window=window, end=end, data_link_base=data_link_base)}
        except ServiceCallError as exc:
            raise MetricsUnavailableError(f"metrics did not answer: {exc}") from exc
        decided_at = end + settle
        for key in sorted(set(decided) | set(open_episodes)):
            found = decided.get(key)
            step = next_step(open_episodes.get(key), None if found is None else found.decision.firing,
                             now=decided_at, cooldown=cooldown, muted=False)
            if step.action == "open" or (step.action == "keep" and step.notice is not None):
                open_episodes[key] = OpenEpisode(open_episodes[key].opened_at if key in open_episodes else decided_at,
                                                 decided_at)
            elif step.action == "resolve":
                del open_episodes[key]
            if found is not None:
                rows.append({**_row(found.snapshot, key, end=end, window=window, decided_at=decided_at,
                                    episode=step.action, notice=step.notice),
                             "reason_code": found.decision.code, "reason_values": dict(found.decision.values)})
    length = _DURATION._serialize(window, "window", None)
    return {"metric": draft.metric, "rule": {**draft.rule, "window": length}, "window": length,
            "from_": ends[0] - window if ends else None, "to": ends[-1] if ends else None, "windows": rows,
            "decided_windows": len(ends), "firings": sum(row["firing"] for row in rows),
            "episodes_opened": sum(row["episode"] == "open" for row in rows)}


def _row(snapshot: dict[str, Any], key: str, *, end: datetime, window: timedelta, decided_at: datetime,
         episode: str, notice: str | None) -> dict[str, Any]:
    span = snapshot.get("window") or {}
    return {"start": end - window, "end": end, "baseline_from": _moment(span.get("baseline_from")),
            "baseline_to": _moment(span.get("baseline_to")), "group": snapshot.get("group") or {},
            "scope_key": key, "current": snapshot["current"], "baseline": snapshot["baseline"],
            "difference": snapshot["difference"], "p_value": snapshot.get("p_value"),
            "firing": bool(snapshot["firing"]), "reason": snapshot["reason"], "decided_at": decided_at,
            "episode": episode, "notice": notice}


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
