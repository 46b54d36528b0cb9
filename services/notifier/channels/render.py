"""What a notice says, once, for every channel: the one-sentence headline, the numbers, the answers
behind a low score with their labels, and links into the console (``NoticeView``).

The email (HTML and text) and Slack (Block Kit) only lay this out; the signed webhook sends the
notice's JSON unchanged, for machines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.notifier.channels.answers import answer_rows
from services.notifier.channels.explain_view import ExplainView, explain_lines, explain_view
from services.notifier.channels.links import Link, alert_links, signal_links
from services.notifier.channels.numbers import number, with_interval
from services.notifier.channels.wording import (
    day_range,
    direction_particle,
    language_of,
    metric_name,
    subject_particle,
    time_of_day,
    words_for,
)
from shared.contracts.fields import one_line
from shared.p_values import format_p_value

SCORE_KINDS = ("firing", "repeat", "resolved", "test")
SIGNALS_SHOWN = 20


@dataclass(frozen=True)
class SignalView:
    """One low-score response: its sentence, facts, labelled answers, comment and links."""

    headline: str
    facts: list[tuple[str, str]]
    answers: list[tuple[str, str]]
    comment: str | None
    links: list[Link]


@dataclass(frozen=True)
class NoticeView:
    """Everything a channel shows of one notice, in the lead's language and zone."""

    lang: str
    kind: str
    kind_label: str
    subject: str
    headline: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    signals: list[SignalView] = field(default_factory=list)
    total_signals: int = 0  # the notice's signals, of which ``signals`` holds the first ones
    links: list[Link] = field(default_factory=list)
    note: str | None = None
    why_sent: str = ""
    why: ExplainView | None = None  # why a firing score dropped (top contributions, rising keywords)


def scope_text(notice: dict[str, Any], words: dict[str, str]) -> str:
    """The filters and group of the notice: ``접점: delivery · region: Seoul``."""
    parts = [f"{words.get(name, name)}: {', '.join(map(str, values))}"
             for name, values in (notice.get("scope") or {}).items() if values and name != "group_by"]
    parts += [f"{name.removeprefix('attr.')}: {value}" for name, value in (notice.get("group") or {}).items()]
    return " · ".join(parts) or words["all"]


def _subject_words(notice: dict[str, Any], lang: str) -> str:
    """Who dropped: the subscription's name, with the metric added when the name does not say it."""
    name = one_line(notice.get("subscription_name") or "").strip()
    metric = metric_name(notice.get("metric"), lang)
    group = " ".join(str(v) for v in (notice.get("group") or {}).values() if v is not None)
    base = name if metric.lower() in name.lower() else f"{name} {metric}".strip()
    return f"{base} ({group})" if group else base


def _score_headline(notice: dict[str, Any], lang: str, tz: str) -> str:
    words = words_for(lang)
    metric = notice.get("metric")
    window = notice.get("window") or {}
    current, baseline = notice.get("current") or {}, notice.get("baseline") or {}
    subject = _subject_words(notice, lang)
    value = number(current.get("value"), metric)
    period = day_range(window.get("from"), window.get("to"), lang, tz)
    values = {"subject": subject, "ga": subject_particle(subject), "value": value, "ro": direction_particle(value),
              "period": period, "period_": f"{period} " if period else "", "in_period": f" in {period}" if period else "",
              "baseline": number(baseline.get("value"), metric),
              "difference": with_interval(notice.get("difference"), metric, sign=True),
              "p": format_p_value(notice.get("p_value")) or "p -",
              "target": number((notice.get("rule") or {}).get("target"), metric),
              "high": number(current.get("ci_high"), metric)}
    if notice["kind"] == "resolved":
        key = "headline_resolved"
    elif (notice.get("rule") or {}).get("kind") == "threshold":
        key = "headline_threshold"
    else:
        key = "headline_repeat" if notice["kind"] == "repeat" else "headline_drop"
    return words[key].format(**values)


def _score_facts(notice: dict[str, Any], words: dict[str, str]) -> list[tuple[str, str]]:
    metric = notice.get("metric")
    facts = [(words["scope"], scope_text(notice, words))]
    for key in ("current", "baseline"):
        estimate = notice.get(key)
        if estimate:
            facts.append((words[key], f"{with_interval(estimate, metric)} · n = {estimate.get('n') or 0:,}"))
    if notice.get("difference"):
        difference = with_interval(notice["difference"], metric, sign=True)
        p_value = format_p_value(notice.get("p_value"))
        facts.append((words["difference"], f"{difference} · {p_value}" if p_value else difference))
    return facts


def signal_view(item: dict[str, Any], notice: dict[str, Any], *, lang: str, tz: str,
                console_url: str | None) -> SignalView:
    """One low-score response as a person reads it."""
    words = words_for(lang)
    metric = metric_name(item.get("metric") or notice.get("metric"), lang)
    touchpoint = item.get("touchpoint") or words["no_touchpoint"]
    moment = time_of_day(item.get("answered_at"), lang, tz)
    values = {"metric": metric, "score": item.get("score"), "customer": item.get("customer_id"),
              "touchpoint": touchpoint, "at_time": f", {moment}" if moment else "",
              "paren_time": f" ({moment})" if moment else "",
              "old": (notice.get("supersedes") or {}).get("score")}
    if notice["kind"] == "low_score_update":
        key = "headline_update" if item.get("low", True) else "headline_update_cleared"
    else:
        key = "headline_low" if item.get("customer_id") else "headline_low_anonymous"
    facts = [(words["customer"], str(item.get("customer_id") or "-")), (words["touchpoint"], touchpoint)]
    if item.get("survey_title"):
        facts.append((words["survey"], str(item["survey_title"])))
    instruction = ((item.get("playbook") or {}).get("instruction") or {}).get(lang)
    if instruction:  # the case's playbook, in the reader's language
        facts.append((words["playbook"], str(instruction)))
    return SignalView(headline=words[key].format(**values), facts=facts,
                      answers=answer_rows(item, lang=lang), comment=item.get("comment") or None,
                      links=signal_links(item, words, console_url))


def notice_view(notice: dict[str, Any], *, lang: str | None, tz: str | None,
                console_url: str | None) -> NoticeView:
    """The notice in the lead's language and zone, with console links when the console is configured."""
    language = language_of(lang)
    zone_name = tz or "UTC"
    words = words_for(language)
    kind = notice["kind"]
    signals = [signal_view(item, notice, lang=language, tz=zone_name, console_url=console_url)
               for item in (notice.get("signals") or [])[:SIGNALS_SHOWN]]
    name = one_line(notice.get("subscription_name") or "")
    if kind in SCORE_KINDS and notice.get("current"):
        headline = _score_headline(notice, language, zone_name)
        facts = _score_facts(notice, words)
        short = f"{_subject_words(notice, language)} {number(notice['current'].get('value'), notice.get('metric'))}"
    elif kind == "digest":
        window = notice.get("window") or {}
        headline = words["headline_digest"].format(count=len(notice.get("signals") or []),
                                                   start=time_of_day(window.get("from"), language, zone_name),
                                                   end=time_of_day(window.get("to"), language, zone_name))
        facts, short = [(words["scope"], scope_text(notice, words))], f"{name} · {len(notice.get('signals') or [])}"
    else:
        headline = signals[0].headline if signals else name
        first = (notice.get("signals") or [{}])[0]
        facts = []
        short = f"{name} — {metric_name(first.get('metric') or notice.get('metric'), language)} {first.get('score', '')}"
    links = alert_links(notice, words, console_url, zone_name) if kind in SCORE_KINDS else []
    return NoticeView(
        lang=language, kind=kind, kind_label=words.get(kind, kind), headline=headline,
        subject=one_line(f"[{words.get(kind, kind)}] {short}"), facts=facts,
        keywords=list(notice.get("keywords") or []), signals=signals,
        total_signals=len(notice.get("signals") or []), links=links,
        note=words["test_note"] if kind == "test" else None, why_sent=words["why_sent"].format(name=name),
        why=explain_view(notice.get("explanation"), metric=notice.get("metric"), lang=language)
        if kind in SCORE_KINDS else None)


def more_text(view: NoticeView, shown: int) -> str | None:
    """``and 12 more`` when only ``shown`` of the notice's signals are listed."""
    hidden = view.total_signals - shown
    return words_for(view.lang)["more"].format(n=hidden) if hidden > 0 else None


def body_lines(view: NoticeView, *, unsubscribe_url: str | None = None) -> list[str]:
    """The plain-text version of a notice, one line each (the text part of the email)."""
    words = words_for(view.lang)
    lines = [view.headline, ""]
    if view.note:
        lines += [view.note, ""]
    lines += [f"{label}: {value}" for label, value in view.facts]
    if view.keywords:
        lines.append(f"{words['keywords']}: {', '.join(view.keywords)}")
    lines += explain_lines(view.why)
    for item in view.signals:
        lines += ["", item.headline if len(view.signals) > 1 or item.headline != view.headline else ""]
        lines += [f"{label}: {value}" for label, value in item.facts]
        lines += [f"  {question}: {answer}" for question, answer in item.answers]
        if item.comment:
            lines.append(f"{words['comment']}: {item.comment}")
        lines += [f"{link.label}: {link.url}" for link in item.links]
    if more_text(view, len(view.signals)):
        lines += ["", more_text(view, len(view.signals)) or ""]
    if view.links:
        lines.append("")
        lines += [f"{link.label}: {link.url}" for link in view.links]
    lines += ["", "--", view.why_sent]
    if unsubscribe_url:
        lines.append(f"{words['unsubscribe']}: {unsubscribe_url}")
    return [line for index, line in enumerate(lines) if line or (index and lines[index - 1])]
