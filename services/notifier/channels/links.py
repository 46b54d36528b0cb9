"""Links from a notice into the console (the responses behind the window, the response and the
customer, the alert's own page); none when the console's address is not configured, so a notice holds
no dead link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from services.notifier.channels.wording import as_moment, zone

RESPONSE_FILTERS = ("touchpoint", "survey")  # the scope filters the console's /responses page reads


@dataclass(frozen=True)
class Link:
    """A labelled link."""

    label: str
    url: str


def _base(console_url: str | None) -> str | None:
    return console_url.rstrip("/") if console_url else None


def alert_links(notice: dict[str, Any], words: dict[str, str], console_url: str | None,
                tz: str | None = None) -> list[Link]:
    """The alert's page in the console (``/alerts/<subscription id>``), then the responses of the alerted
    window (in the subscription's scope): the console's inbox takes days in the reader's zone, ``to``
    included."""
    base = _base(console_url)
    if base is None:
        return []
    links = []
    if notice.get("subscription_id"):
        links.append(Link(words["open_alert"], f"{base}/alerts/{quote(str(notice['subscription_id']), safe='')}"))
    window = notice.get("window") or {}
    start, end = as_moment(window.get("from")), as_moment(window.get("to"))
    if start is not None and end is not None:
        local = zone(tz)
        last = (end - timedelta(microseconds=1)).astimezone(local).date()
        params: list[tuple[str, str]] = [("from", start.astimezone(local).date().isoformat()),
                                         ("to", last.isoformat())]
        scope, group = notice.get("scope") or {}, notice.get("group") or {}
        for name in RESPONSE_FILTERS:
            values = [group[name]] if group.get(name) is not None else scope.get(name) or []
            if len(values) == 1:  # the page filters by one value; with several, the window alone
                params.append((name, str(values[0])))
        links.append(Link(words["open_responses"], f"{base}/responses?{urlencode(params)}"))
    return links


def signal_links(item: dict[str, Any], words: dict[str, str], console_url: str | None) -> list[Link]:
    """The case, the response and the customer's journey."""
    base = _base(console_url)
    if base is None:
        return []
    links = []
    if item.get("case_id") is not None:  # the case the low score opened: where the follow-up happens
        links.append(Link(words["open_case"], f"{base}/cases/{quote(str(item['case_id']), safe='')}"))
    if item.get("response_id"):
        links.append(Link(words["open_response"], f"{base}/responses/{quote(str(item['response_id']), safe='')}"))
    if item.get("customer_id"):
        links.append(Link(words["open_customer"], f"{base}/customers/{quote(str(item['customer_id']), safe='')}"))
    return links
