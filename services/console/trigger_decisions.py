"""The survey service's decisions in the person's language and time zone.

A dry run's result (``PreviewResultSchema``) and an invitation's status become one sentence each,
built from the rule that decided (``stopped_by`` / ``postponed_by``, the status) and its numbers;
the service's own English reason stays available as the detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.dates import parse_pattern
from flask_babel import get_locale, get_timezone, gettext, ngettext
from flask_babel import lazy_gettext as _l

from services.console.trigger_form import CHANNEL_LABELS, OPERATOR_LABELS
from shared.channels import InvitationChannel
from shared.statuses import InvitationStatus

STATUS_LABELS = {
    InvitationStatus.SCHEDULED: _l("Scheduled"), InvitationStatus.POSTPONED: _l("Postponed"),
    InvitationStatus.SENT: _l("Sent"), InvitationStatus.RESPONDED: _l("Answered"),
    InvitationStatus.FAILED: _l("Failed"), InvitationStatus.CANCELLED: _l("Cancelled"),
    InvitationStatus.EXPIRED: _l("Expired"), InvitationStatus.SUPPRESSED: _l("Not sent: asked recently"),
    InvitationStatus.SAMPLED_OUT: _l("Not sent: sampled out"), InvitationStatus.UNSUBSCRIBED: _l("Not sent: unsubscribed"),
    InvitationStatus.UNDELIVERABLE: _l("Not sent: no address"),
}
CHANNEL_NOUNS = {InvitationChannel.EMAIL: _l("email"), InvitationChannel.WEBHOOK: _l("webhook"),
                 InvitationChannel.IN_APP: _l("an in-app message")}
STATUS_TONES = {InvitationStatus.SCHEDULED: "info", InvitationStatus.POSTPONED: "warn", InvitationStatus.SENT: "good",
                InvitationStatus.RESPONDED: "good", InvitationStatus.FAILED: "bad"}


def status_label(status: str) -> str:
    """An invitation status in words."""
    return str(STATUS_LABELS.get(status, status))  # type: ignore[call-overload]


def status_tone(status: str) -> str:
    """The badge tone of a status (closed without sending: neutral)."""
    return STATUS_TONES.get(status, "neutral")  # type: ignore[call-overload]


def moment(value: datetime | None) -> str:
    """A date and time in the person's language and zone, with the zone named (``5 Dec 09:00 Asia/Seoul``)."""
    if value is None:
        return ""
    zone = get_timezone()
    locale = get_locale()
    # the day as the language writes "5 Dec" (its MMMd skeleton) and the time, formatted in one pass by
    # Babel's parsed pattern (kept by Babel), on the time in the person's zone (naive times are UTC)
    pattern = parse_pattern(f"{locale.datetime_skeletons.get('MMMd', 'MMM d')} HH:mm")
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    return f"{pattern.apply(local, locale)} {zone}"


def duration(minutes: int | None) -> str:
    """A number of minutes in the largest whole unit (``3 days``, ``2 hours``, ``no wait``)."""
    if not minutes:
        return gettext("no wait")
    if minutes % (24 * 60) == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def channel_label(channel: str | None) -> str:
    """A channel in words."""
    return str(CHANNEL_LABELS.get(channel, channel or ""))  # type: ignore[call-overload]


@dataclass
class Explanation:
    """What a dry run would do: a headline, its tone, and the reasons under it."""

    headline: str
    tone: str
    reasons: list[str] = field(default_factory=list)


def _days_ago(then: datetime, now: datetime) -> str:
    days = max(0, (now - then).days)
    if days == 0:
        return gettext("asked today")
    return ngettext("asked %(num)d day ago", "asked %(num)d days ago", days)


def _stopped(result: dict[str, Any], trigger: dict[str, Any], rules: dict[str, Any] | None, now: datetime) -> str:
    rule = result.get("stopped_by")
    if rule == "recontact" and result.get("last_sent_at"):
        return gettext("Not sent: %(ago)s, recontact window %(days)d days.",
                       ago=_days_ago(result["last_sent_at"], now), days=result.get("recontact_days") or 0)
    if rule == "conditions":
        failed = next((c for c in result.get("conditions") or [] if not c.get("passed")), None)
        if failed:
            return gettext("Not sent: the condition \"%(field)s %(op)s %(value)s\" does not hold (the event has %(actual)s).",
                           field=failed["field"], op=OPERATOR_LABELS.get(failed["op"], failed["op"]),
                           value=_shown(failed.get("value")), actual=_shown(failed.get("actual")))
    if rule == "sampling":
        return gettext("Not sent: sampled out; this trigger asks %(percent)d%% of matching events.",
                       percent=round(trigger.get("sampling_rate", 1) * 100))
    if rule in ("expiry", "budget"):
        budget = (gettext(" (contact budget: %(max)d in %(days)d days)", max=rules["budget_max_contacts"],
                          days=rules["budget_days"]) if rule == "budget" and rules else "")
        return gettext("Not sent: it could not go out before it expires on %(when)s%(budget)s.",
                       when=moment(result.get("expires_at")), budget=budget)
    simple = {"trigger_inactive": gettext("Not sent: the trigger is switched off."),
              "survey_not_live": gettext("Not sent: the survey is not published."),
              "event_type": gettext("Not sent: this trigger listens to %(type)s events.", type=trigger["event_type"]),
              "unsubscribed": gettext("Not sent: the customer unsubscribed."),
              "no_email": gettext("Not sent: the customer has no email address.")}
    return simple.get(rule or "", gettext("Not sent: %(reason)s", reason=result.get("reason") or rule or ""))


def _shown(value: Any) -> str:
    if value is None:
        return gettext("nothing")
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def explain_preview(result: dict[str, Any], *, trigger: dict[str, Any], rules: dict[str, Any] | None,
                    now: datetime) -> Explanation:
    """The dry run's decision as a sentence, with the postponements and conditions as reasons."""
    if not result.get("would_send"):
        return Explanation(_stopped(result, trigger, rules, now), "bad" if result.get("stopped_by") else "neutral")
    channel = result.get("channel") or ""
    headline = gettext("Would send by %(channel)s on %(when)s.", channel=str(CHANNEL_NOUNS.get(channel, channel)),
                       when=moment(result.get("send_at")))
    reasons = []
    for rule in result.get("postponed_by") or []:
        if rule == "send_window":
            reasons.append(gettext("Held until the send window opens (%(start)s-%(end)s in the customer's time zone).",
                                   start=trigger.get("window_start"), end=trigger.get("window_end")))
        elif rule == "budget" and rules:
            reasons.append(gettext("Held by the contact budget: at most %(max)d surveys in %(days)d days per customer.",
                                   max=rules["budget_max_contacts"], days=rules["budget_days"]))
    if result.get("expires_at"):
        reasons.append(gettext("The link expires on %(when)s.", when=moment(result["expires_at"])))
    return Explanation(headline, "good", reasons)


def explain_invitation(invitation: dict[str, Any]) -> str:
    """Why an invitation stands where it does, in one sentence."""
    status, reason = invitation["status"], invitation.get("reason") or ""
    if status == InvitationStatus.SCHEDULED:
        return gettext("Goes out on %(when)s.", when=moment(invitation.get("due_at")))
    if status == InvitationStatus.POSTPONED:
        return gettext("Held by the contact budget; next try on %(when)s.", when=moment(invitation.get("due_at")))
    if status == InvitationStatus.SENT:
        return gettext("Sent on %(when)s.", when=moment(invitation.get("sent_at")))
    if status == InvitationStatus.RESPONDED:
        return gettext("Answered on %(when)s.", when=moment(invitation.get("responded_at")))
    if status == InvitationStatus.FAILED:
        return gettext("Delivery failed after %(count)d attempts: %(error)s", count=invitation.get("attempts") or 0,
                       error=invitation.get("last_error") or reason)
    if status == InvitationStatus.CANCELLED:
        return gettext("Cancelled before sending: %(reason)s", reason=reason)
    if status == InvitationStatus.EXPIRED:
        return gettext("Expired on %(when)s before it could be sent.", when=moment(invitation.get("expires_at")))
    if status == InvitationStatus.SUPPRESSED:
        return gettext("Not sent: this survey was sent to the customer within its recontact window (%(reason)s).",
                       reason=reason)
    if status == InvitationStatus.SAMPLED_OUT:
        return gettext("Not sent: sampling left this event out (%(reason)s).", reason=reason)
    if status == InvitationStatus.UNSUBSCRIBED:
        return gettext("Not sent: the customer unsubscribed.")
    if status == InvitationStatus.UNDELIVERABLE:
        return gettext("Not sent: the customer has no address for this channel.")
    return reason
