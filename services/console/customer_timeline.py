"""One customer's timeline: the survey journey and the money side (purchases, refunds, contracts) as
one list, newest first, in the person's language.

Survey's journey sets the pages: a page shows the journey entries of one journey page and the
purchases and contract changes that fall between its newest and oldest entry (on the last journey
page: everything older too), so nothing is skipped or shown twice from page to page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from services.console.survey_vocabulary import type_label
from services.console.trigger_decisions import channel_label, explain_invitation, status_label
from shared.contracts.journey import InvitationOutcome, JourneyItemKind

OUTCOME_TONES = {InvitationOutcome.SENT: "good", InvitationOutcome.ANSWERED: "good",
                 InvitationOutcome.SCHEDULED: "info", InvitationOutcome.POSTPONED: "warn",
                 InvitationOutcome.SKIPPED: "neutral", InvitationOutcome.CANCELLED: "neutral",
                 InvitationOutcome.FAILED: "bad"}
KIND_LABELS = {JourneyItemKind.EVENT: _l("Event"), JourneyItemKind.INVITATION: _l("Invitation"),
               JourneyItemKind.RESPONSE: _l("Response"), JourneyItemKind.UNSUBSCRIBE: _l("Unsubscribed"),
               JourneyItemKind.ERASURE: _l("Erased"), "purchase": _l("Purchase"), "refund": _l("Refund"),
               "contract": _l("Contract")}
#: Decisions that are not invitation statuses (the others read as their status).
DECISION_LABELS = {"suppressed_recontact": _l("Not sent: asked recently"), "retry": _l("Delivery will be retried"),
                   "reminded": _l("Reminder sent"), "reminder_skipped": _l("No reminder"),
                   "reminder_failed": _l("Reminder failed"), "reminder_retry": _l("Reminder will be retried")}


@dataclass
class Entry:
    """One line of the timeline: when, what kind, a headline, and details under it."""

    at: datetime
    kind: str
    headline: str
    tone: str = "neutral"
    badge: str | None = None
    details: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    invitation_id: int | None = None

    @property
    def kind_label(self) -> str:
        """The kind in words."""
        return str(KIND_LABELS.get(self.kind, self.kind))


def decision_label(decision: str) -> str:
    """A contact decision in words."""
    label = DECISION_LABELS.get(decision)
    return status_label(decision) if label is None else str(label)


def money(amount: float, currency: str) -> str:
    """An amount in its currency, formatted for the person's language."""
    return format_currency(amount, currency, locale=get_locale())


def _attributes(attributes: dict[str, Any]) -> list[str]:
    return [f"{name}: {value}" for name, value in sorted(attributes.items()) if value not in (None, "", [], {})]


def _answer(answer: dict[str, Any]) -> str:
    label = type_label(answer["type"])
    if answer["question_key"] != answer["type"]:
        label = f"{label} ({answer['question_key']})"
    if answer.get("value") is not None:
        return f"{label}: {answer['value']}"
    if answer.get("choices"):
        return f"{label}: {', '.join(answer['choices'])}"
    return f"{label}: “{answer.get('text') or ''}”"


def _journey_entry(item: dict[str, Any], surveys: dict[int, str]) -> Entry:
    kind, at = item["kind"], item["at"]
    if kind == JourneyItemKind.EVENT:
        event = item["event"]
        return Entry(at, kind, event["type"], "info", details=_attributes(event.get("attributes") or {}))
    if kind == JourneyItemKind.INVITATION:
        invitation = item["invitation"]
        survey = surveys.get(invitation["survey_id"], gettext("Survey %(id)s", id=invitation["survey_id"]))
        return Entry(at, kind, gettext("%(survey)s · %(channel)s", survey=survey,
                                       channel=channel_label(invitation["channel"])),
                     OUTCOME_TONES.get(invitation["outcome"], "neutral"),  # type: ignore[call-overload]
                     badge=status_label(invitation["status"]), details=[explain_invitation(invitation)],
                     decisions=invitation.get("decisions") or [], invitation_id=invitation["id"])
    if kind == JourneyItemKind.RESPONSE:
        response = item["response"]
        survey_id = int(response["survey_id"]) if str(response["survey_id"]).isdigit() else response["survey_id"]
        survey = surveys.get(survey_id, gettext("Survey %(id)s", id=response["survey_id"]))
        badge = gettext("Complete") if response["completed"] else gettext("Partial")
        return Entry(at, kind, gettext("Answered %(survey)s", survey=survey), "good" if response["completed"] else "warn",
                     badge=badge, details=[_answer(a) for a in response.get("answers") or []])
    if kind == JourneyItemKind.UNSUBSCRIBE:
        return Entry(at, kind, gettext("Unsubscribed from all surveys"), "warn")
    return Entry(at, kind, gettext("Personal data erased"), "neutral")


def _money_entries(summary: dict[str, Any]) -> list[Entry]:
    entries = []
    for sale in summary.get("transactions") or []:
        refund = sale["amount"] < 0
        headline = money(sale["amount"], sale["currency"])
        details = ([gettext("Segment: %(segment)s", segment=sale["segment"])] if sale.get("segment") else [])
        entries.append(Entry(sale["occurred_at"], "refund" if refund else "purchase", headline,
                             "warn" if refund else "good", details=details + _attributes(sale.get("attributes") or {})))
    for contract in summary.get("contracts") or []:
        value = money(contract["recurring_value"], contract["currency"])
        plan = contract.get("plan") or contract["id"]
        entries.append(Entry(contract["started_at"], "contract",
                             gettext("Contract started: %(plan)s, %(value)s a month", plan=plan, value=value), "good"))
        if contract.get("ended_at"):
            entries.append(Entry(contract["ended_at"], "contract", gettext("Contract ended: %(plan)s", plan=plan),
                                 "bad"))
    return entries


def build_timeline(journey: dict[str, Any] | None, summary: dict[str, Any] | None, *, surveys: dict[int, str],
                   before: datetime | None) -> list[Entry]:
    """The entries of one page, newest first (see the module's docstring for what a page holds)."""
    entries = [_journey_entry(item, surveys) for item in (journey or {}).get("items") or []]
    oldest = entries[-1].at if entries and (journey or {}).get("next_cursor") else None
    for entry in _money_entries(summary or {}):
        if (before is None or entry.at < before) and (oldest is None or entry.at >= oldest):
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def value_currency(summary: dict[str, Any]) -> str | None:
    """The currency a customer's CLV is in: that of their contracts (contract customers) or purchases,
    when there is exactly one; None otherwise (the value is then shown as a plain number)."""
    clv = summary.get("clv") or {}
    rows = summary.get("contracts") if clv.get("kind") == "contractual" else summary.get("totals")
    currencies = {row["currency"] for row in rows or []}
    return currencies.pop() if len(currencies) == 1 else None


def amount(value: float | None, currency: str | None) -> str:
    """An amount in a currency when it is known, else a plain number."""
    if value is None:
        return ""
    return money(value, currency) if currency else number(value)


def number(value: float | None, digits: int = 2) -> str:
    """A number for the person's language (empty for None)."""
    if value is None:
        return ""
    return format_decimal(round(value, digits), locale=get_locale())
