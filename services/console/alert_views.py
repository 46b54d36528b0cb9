"""What the alert pages show beside the API's replies: a subscription's state in words, the chart of its
decided windows, the link to the responses behind a window, and the query that explains a drop."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.console.alert_form import METRIC_LABELS
from services.console.dashboards.charting import format_skeleton
from services.console.dashboards.vocabulary import pvalue
from shared.charts import ChartText, rows_of_estimates
from shared.charts.specs_backtest import BacktestText, DecidedWindow, backtest_spec

RESPONSE_FILTERS = ("touchpoint", "survey")  # the scope filters the /responses inbox reads
EPISODE_LABELS = {"open": _l("opens an alert"), "keep": _l("still firing"), "resolve": _l("resolves the alert"),
                  "none": _l("quiet")}
NOTICE_LABELS = {"firing": _l("firing notice"), "repeat": _l("repeat notice"), "resolved": _l("resolved notice")}
_ids = itertools.count(1)


@dataclass
class WindowsChart:
    """The chart of one group's decided windows, and the rows of the table under it."""

    title: str
    spec: dict[str, Any]
    rows: list[dict[str, Any]]
    firings: int
    id: str = field(default_factory=lambda: f"alert-chart-{next(_ids)}")


def metric_words(subscription: dict[str, Any]) -> str:
    """"CSAT", or "Number of answers (NPS)" for volume."""
    metric = subscription.get("metric") or ""
    if metric == "volume":
        return _("Number of answers (%(metric)s)", metric=str(METRIC_LABELS.get(subscription.get("volume_of"), "")))
    return str(METRIC_LABELS.get(metric, metric))


def state_of(subscription: dict[str, Any], firing_ids: set[str], now: datetime) -> tuple[str, str]:
    """The subscription's state in words and its badge tone: off, muted until ..., firing, quiet."""
    muted = subscription.get("muted_until")
    if not subscription.get("active", True):
        return _("Off"), "neutral"
    if muted is not None and muted > now:
        return "muted", "warn"  # the template says "muted until <date>" in the reader's zone
    if subscription["id"] in firing_ids:
        return _("Firing"), "bad"
    return _("Quiet"), "good"


def group_words(group: dict[str, Any]) -> str:
    """"touchpoint delivery · carrier 빠른택배", or "" when not grouped."""
    return " · ".join(f"{name.removeprefix('attr.')} {value}" for name, value in sorted(group.items()))


def _day(moment: datetime, tz: str) -> str:
    return format_skeleton("MMMd", moment.astimezone(ZoneInfo(tz)).date())


def decision_words(row: dict[str, Any]) -> str:
    """"fired" or "quiet", and what the episode would do."""
    said = _("fired") if row["firing"] else _("quiet")
    return f"{said} · {EPISODE_LABELS.get(row['episode'], row['episode'])}"


def windows_charts(reply: dict[str, Any], subscription: dict[str, Any], *, tz: str, title: str,
                   max_groups: int = 4) -> list[WindowsChart]:
    """One chart per group of a backtest reply (``/v1/subscriptions/backtest``), oldest window first."""
    by_group: dict[str, list[dict[str, Any]]] = {}
    for row in reply.get("windows") or []:
        by_group.setdefault(row["scope_key"], []).append(row)
    min_n = int((subscription.get("rule") or {}).get("min_n") or 0)
    metric = metric_words(subscription)
    charts = []
    for rows in list(by_group.values())[:max_groups]:
        labels = [_day(row["start"], tz) for row in rows]
        current = rows_of_estimates((row["start"].isoformat(), label, {**row["current"], "insufficient":
                                                                         row["current"]["n"] < min_n})
                                    for row, label in zip(rows, labels, strict=True))
        baseline = rows_of_estimates((row["start"].isoformat(), label, row["baseline"])
                                     for row, label in zip(rows, labels, strict=True))
        windows = [DecidedWindow(row=c, baseline=b, fired=row["firing"], decision=decision_words(row))
                   for c, b, row in zip(current, baseline, rows, strict=True)]
        group = group_words(rows[0].get("group") or {})
        text = ChartText(x_title=_("Window starting"), y_title=metric, value=metric, interval=_("95% interval"),
                         n=_("answers"), too_few=_("too few answers"),
                         description=_("%(metric)s per window with its 95%% interval, the baseline it was compared "
                                       "with, and the windows the rule fires on", metric=metric))
        words = BacktestText(baseline=_("Baseline"), fired=_("fired"), decision=_("Decision"))
        spec = backtest_spec(windows, text, words)
        table = [{"label": label, "row": row, "current": c, "baseline": b, "decision": decision_words(row),
                  "notice": str(NOTICE_LABELS[row["notice"]]) if row.get("notice") else ""}
                 for label, row, c, b in zip(labels, rows, current, baseline, strict=True)]
        charts.append(WindowsChart(title=f"{title} · {group}" if group else title, spec=spec, rows=table,
                                   firings=sum(row["firing"] for row in rows)))
    return charts


def responses_link(window: dict[str, Any], scope: dict[str, Any], group: dict[str, Any], tz: str) -> str | None:
    """``/responses?from=..&to=..&touchpoint=..``: the inbox over the window's local days (``to`` included), as
    notifier's notices link to it."""
    try:
        start, end = datetime.fromisoformat(str(window["from"])), datetime.fromisoformat(str(window["to"]))
    except (KeyError, ValueError):
        return None
    local = ZoneInfo(tz)
    params = [("from", start.astimezone(local).date().isoformat()),
              ("to", (end - timedelta(microseconds=1)).astimezone(local).date().isoformat())]
    for name in RESPONSE_FILTERS:
        values = [group[name]] if group.get(name) is not None else scope.get(name) or []
        if len(values) == 1:
            params.append((name, str(values[0])))
    return f"/responses?{urlencode(params)}"


def explain_params(subscription: dict[str, Any], snapshot: dict[str, Any], grouping: str) -> dict[str, Any]:
    """``GET /v1/scores/compare`` for the alerted window of one group, explained by ``grouping``."""
    rule, scope = subscription.get("rule") or {}, dict(subscription.get("scope") or {})
    scope.pop("group_by", None)
    for name, value in (snapshot.get("group") or {}).items():
        if name.startswith("attr."):
            scope.setdefault("segment", []).append(f"{name[5:]}:{value}")
        elif value is not None:
            scope[name] = [value]
    window = snapshot.get("window") or {}
    return {"metric": subscription["metric"], "window": rule.get("window", "7d"), "end": window.get("to"),
            "baseline": rule.get("baseline", "last_n"), "baseline_windows": rule.get("baseline_windows", 12),
            "alternative": "less", "test": "pooled", "alpha": rule.get("alpha", 0.05), "min_n": 0,
            "explain": grouping, **{name: values for name, values in scope.items() if values}}


def reason_words(row: dict[str, Any]) -> str:
    """Why the rule decided as it did, in the reader's language (notifier's reason code and numbers)."""
    values, code = row.get("reason_values") or {}, row.get("reason_code") or ""

    def num(name: str, digits: int = 1) -> str:
        value = values.get(name)
        return "–" if value is None else format_decimal(round(float(value), digits))

    if code == "too_few" and "baseline" in values:
        return _("too few answers (%(current)s now, %(baseline)s in the baseline; %(need)s needed)",
                 current=values["current"], baseline=values["baseline"], need=values["need"])
    if code == "too_few":
        return _("too few answers (%(current)s; %(need)s needed)", current=values.get("current"), need=values.get("need"))
    if code == "no_estimate":
        return _("no estimate for this window")
    if code == "small_change":
        return _("a change of %(change)s is less than the smallest drop, %(min_drop)s",
                 change=num("change"), min_drop=num("min_drop"))
    if code == "not_significant":
        return _("not significant (p %(p)s, needs below %(alpha)s)", p=_p(values.get("p")), alpha=num("alpha", 3))
    if code == "dropped":
        return _("dropped %(drop)s (p %(p)s, below %(alpha)s)", drop=num("drop"), p=_p(values.get("p")),
                 alpha=num("alpha", 3))
    if code == "below_target":
        return _("the interval's upper end %(upper)s is below the target %(target)s", upper=num("upper"),
                 target=num("target"))
    if code == "not_below_target":
        return _("the interval's upper end %(upper)s is not below the target %(target)s", upper=num("upper"),
                 target=num("target"))
    return str(row.get("reason") or "")


def _p(value: float | None) -> str:
    text = pvalue(value)
    return text if text.startswith("<") else f"= {text}"


def window_days(start: datetime, end: datetime, tz: str) -> str:
    """"Nov 2 – Nov 8": a window's local days, its last day included."""
    return _("%(first)s – %(last)s", first=_day(start, tz), last=_day(end - timedelta(microseconds=1), tz))
