"""``/alerts``: a team lead's alert subscriptions with their state, and ``/alerts/<id>``: its episodes, the
chart of its recent windows, the responses behind an alert, why a drop happened, test-send, mute, unmute.

Notifier decides and enforces (a team lead reads and changes only their own subscriptions; others get
404); metrics explains a drop. These routes read, render, and translate a button into one API call.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from services.console.alert_views import (
    explain_params,
    group_words,
    metric_words,
    reason_words,
    responses_link,
    state_of,
    window_days,
    windows_charts,
)
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.exports import FORMATS, export_refused, export_response
from services.console.navigation import items_for
from services.console.pages.alert_actions import MUTE_CHOICES, MuteForm
from services.console.pages.support import now, optional_reads, service_problem
from services.console.table_exports import EPISODES_COLUMNS, episode_rows

alerts_pages = Blueprint("alerts", __name__, url_prefix="/alerts")
DETAIL_WEEKS = 12
TOP_CONTRIBUTIONS = 3
ALERTS_PAGE = 500  # the most GET /v1/alerts gives in one read


def refused_as_page(error: ConsoleServiceError) -> None:
    """A refusal (403) or someone else's subscription (404) is the matching error page, not a form error."""
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)


def _current(person, *, notifier, subscription: dict[str, Any]) -> dict[str, Any] | None:
    """The latest decided window's numbers, decided by notifier's own code (a one-week backtest). Runs in
    a read thread: the client comes in (no app context there)."""
    body = {name: subscription[name] for name in ("metric", "volume_of", "scope", "rule", "cooldown_minutes")}
    reply = notifier.backtest_rule(person, {**body, "weeks": 1})
    return reply["windows"][-1] if reply.get("windows") else None


@alerts_pages.get("")
@login_required
def index():
    """The person's subscriptions: state, last evaluation, and the current value against its baseline."""
    notifier = service_clients().notifier
    try:
        subscriptions = notifier.list_subscriptions(current_user)
    except ConsoleServiceError as error:
        refused_as_page(error)
        return render_template("pages/alerts/list.html", subscriptions=[], problem=service_problem(error)), 503
    reads: dict[str, Any] = {"firing": functools.partial(notifier.list_alerts, limit=200)}
    for item in subscriptions[:20]:
        if item["rule"].get("kind") != "low_score":
            reads[item["id"]] = functools.partial(_current, notifier=notifier, subscription=item)
    got = optional_reads(reads)
    alerts, problem = got.pop("firing")
    firing = {episode["subscription_id"] for episode in (alerts or {}).get("episodes", [])
              if episode["state"] == "firing"}
    rows = []
    for item in subscriptions:
        current, current_problem = got.get(item["id"], (None, None))
        state, tone = state_of(item, firing, now())
        rows.append({"s": item, "state": state, "tone": tone, "metric": metric_words(item), "current": current,
                     "problem": current_problem})
    return render_template("pages/alerts/list.html", subscriptions=rows, problem=problem)


@alerts_pages.get("/export.<fmt>")
@alerts_pages.get("/<subscription_id>/export.<fmt>")
@login_required
def export(fmt: str, subscription_id: str | None = None):
    """The alerts raised (episodes with their numbers) of every rule of the person, or of one, as CSV or XLSX:
    every episode, each rule read on its own ``ALERTS_PAGE`` episodes at a time."""
    if fmt not in FORMATS:
        abort(404)
    notifier = service_clients().notifier
    back = url_for("alerts.detail", subscription_id=subscription_id) if subscription_id else url_for("alerts.index")
    try:
        subscriptions = ([notifier.read_subscription(current_user, subscription_id)] if subscription_id
                         else notifier.list_subscriptions(current_user))
        episodes = [episode for item in subscriptions for episode in _every_episode(notifier, item["id"])]
    except ConsoleServiceError as error:
        return export_refused(error, back)
    episodes.sort(key=lambda episode: episode["opened_at"], reverse=True)
    named = {item["id"]: item for item in subscriptions}
    return export_response(fmt, EPISODES_COLUMNS, episode_rows(episodes, named, current_user.time_zone),
                           f"alerts-{subscription_id}" if subscription_id else "alerts")


def _every_episode(notifier, subscription_id: str) -> list[dict[str, Any]]:
    """Every episode of one subscription, newest first, page by page."""
    episodes: list[dict[str, Any]] = []
    before = None
    while True:
        page = notifier.list_alerts(current_user, subscription_id=subscription_id, limit=ALERTS_PAGE, before=before)
        episodes.extend(page["episodes"])
        before = page.get("next_before")
        if before is None or not page["episodes"]:
            return episodes


def _explanation(person, subscription: dict[str, Any], episode: dict[str, Any] | None,
                 grouping: str) -> tuple[dict[str, Any] | None, str | None]:
    """Why the alerted window dropped: metrics' top contributions by ``grouping`` and the rising keywords."""
    if episode is None or subscription["rule"].get("kind") != "drop" or subscription["metric"] == "volume":
        return None, None
    params = explain_params(subscription, episode["snapshot"], grouping)
    try:
        reply = service_clients().metrics.compare(person, params)
    except ConsoleServiceError as error:
        if isinstance(error, ServiceRefusedError) and error.status == 403:
            return None, None
        return None, service_problem(error)
    cells = [cell for cell in reply.get("cells") or [] if cell.get("explanation")]
    if not cells:
        return None, _("Metrics found no significant drop to explain in this window.")
    explanation = dict(cells[0]["explanation"])
    explanation["contributions"] = sorted(explanation.get("contributions") or [],
                                          key=lambda item: item["rank"])[:TOP_CONTRIBUTIONS]
    return explanation, None


def default_grouping(subscription: dict[str, Any]) -> str:
    """Explain by touchpoint unless the alert watches one touchpoint; then by the survey's channel."""
    scope = subscription.get("scope") or {}
    if len(scope.get("touchpoint") or []) != 1 and "touchpoint" not in (scope.get("group_by") or []):
        return "touchpoint"
    return "channel"


@alerts_pages.get("/<subscription_id>")
@login_required
def detail(subscription_id: str):
    """One subscription: its state, episodes with their numbers, the chart of recent windows, and actions."""
    notifier = service_clients().notifier
    try:
        subscription = notifier.read_subscription(current_user, subscription_id)
    except ConsoleServiceError as error:
        refused_as_page(error)
        raise
    score_rule = subscription["rule"].get("kind") != "low_score"
    reads: dict[str, Any] = {"alerts": functools.partial(notifier.list_alerts, subscription_id=subscription_id)}
    if score_rule:
        body = {name: subscription[name] for name in ("metric", "volume_of", "scope", "rule", "cooldown_minutes")}
        reads["windows"] = functools.partial(notifier.backtest_rule, body={**body, "weeks": DETAIL_WEEKS})
    got = optional_reads(reads)
    alerts, alerts_problem = got["alerts"]
    windows, windows_problem = got.get("windows", (None, None))
    episodes = (alerts or {}).get("episodes", [])
    firing = {e["subscription_id"] for e in episodes if e["state"] == "firing"}
    state, tone = state_of(subscription, firing, now())
    tz = current_user.time_zone
    # the inbox is for the roles survey lets read responses; a team lead gets no link that ends in a refusal
    reads_responses = any(item.endpoint == "responses.index" for item in items_for(current_user.role))
    for episode in episodes:
        episode["group_text"] = group_words(episode.get("group") or {})
        sent = Counter(kind for kind, _at in {(d["kind"], d["created_at"]) for d in episode.get("deliveries") or []})
        episode["sent"] = ", ".join(f"{NOTICE_KINDS.get(kind, kind)} ×{count}" for kind, count in sorted(sent.items()))
        episode["responses"] = responses_link(episode["snapshot"].get("window") or {}, subscription.get("scope") or {},
                                              episode.get("group") or {}, tz) if reads_responses else None
    latest = next((e for e in episodes if e["state"] == "firing"), episodes[0] if episodes else None)
    grouping = (request.args.get("explain") or "").strip()[:70] or default_grouping(subscription)
    explanation, explain_problem = _explanation(current_user, subscription, latest, grouping)
    charts = windows_charts(windows, subscription, tz=tz, title=_("The last %(weeks)d weeks", weeks=DETAIL_WEEKS)) \
        if windows else []
    problems = [p for p in (alerts_problem, windows_problem) if p]
    return render_template("pages/alerts/detail.html", s=subscription, state=state, tone=tone,
                           metric=metric_words(subscription), episodes=episodes, notices=(alerts or {}).get("notices", []),
                           charts=charts, latest=latest, explanation=explanation, explain_problem=explain_problem,
                           grouping=grouping, problems=problems, mute_form=MuteForm(), mute_choices=MUTE_CHOICES,
                           reads_responses=reads_responses,
                           score_rule=score_rule, group_words=group_words)


NOTICE_KINDS = {"test": _l("Test"), "firing": _l("Firing"), "repeat": _l("Reminder"), "resolved": _l("Resolved"),
                "low_score": _l("Low score"), "low_score_update": _l("Low score, updated"), "digest": _l("Digest")}
DELIVERY_STATES = {"pending": _l("waiting to be delivered"), "delivered": _l("delivered"), "dead": _l("failed"),
                   "unknown": _l("unknown")}


@alerts_pages.app_context_processor
def _words() -> dict[str, Any]:
    """Words of the alert pages (the builder's too)."""
    return {"notice_kind": lambda kind: str(NOTICE_KINDS.get(kind, kind)),
            "delivery_status": lambda status: str(DELIVERY_STATES.get(status, status)),
            "reason_words": reason_words, "window_days": window_days, "parse_moment": datetime.fromisoformat}
