"""The Slack message of a notice: Block Kit with the same content as the email (the headline, the
numbers as fields, the answers behind a low score, buttons into the console), every user-written text
escaped so that nothing pings a channel or hides a link."""

from __future__ import annotations

from typing import Any

from services.notifier.channels.links import Link
from services.notifier.channels.render import NoticeView, SignalView, more_text
from services.notifier.channels.wording import words_for

MAX_BLOCKS = 50  # Slack's limits: blocks per message, fields per section, characters per text
MAX_FIELDS = 10
MAX_TEXT = 2900
MAX_BUTTON = 75
SIGNALS_SHOWN = 8


def slack_escape(text: str) -> str:
    """Escape the three characters Slack reads as control sequences (``<!channel>``, ``<url|label>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(text)}


def _fields(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Label-value pairs as section blocks of at most ten fields each."""
    fields = [_mrkdwn(f"*{slack_escape(label)}*\n{slack_escape(value)}") for label, value in pairs]
    return [{"type": "section", "fields": fields[i:i + MAX_FIELDS]} for i in range(0, len(fields), MAX_FIELDS)]


def _buttons(links: list[Link], *, primary: bool) -> list[dict[str, Any]]:
    if not links:
        return []
    elements = []
    for index, link in enumerate(links[:5]):
        button = {"type": "button", "text": {"type": "plain_text", "text": _cut(link.label, MAX_BUTTON)},
                  "url": link.url}
        if primary and index == 0:
            button["style"] = "primary"
        elements.append(button)
    return [{"type": "actions", "elements": elements}]


def _signal_blocks(item: SignalView, view: NoticeView, words: dict[str, str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "divider"}]
    if len(view.signals) > 1 or item.headline != view.headline:
        blocks.append({"type": "section", "text": _mrkdwn(f"*{slack_escape(item.headline)}*")})
    blocks += _fields(item.facts + item.answers)
    if item.comment:
        quoted = "\n".join(f"> {line}" for line in slack_escape(item.comment).splitlines() or [""])
        blocks.append({"type": "section", "text": _mrkdwn(f"*{slack_escape(words['comment'])}*\n{quoted}")})
    return blocks + _buttons(item.links, primary=False)


def slack_payload(view: NoticeView) -> dict[str, Any]:
    """The JSON body for a Slack incoming webhook: ``text`` for notifications, ``blocks`` for the message."""
    words = words_for(view.lang)
    blocks: list[dict[str, Any]] = [
        {"type": "context", "elements": [_mrkdwn(f"*{slack_escape(view.kind_label)}*")]},
        {"type": "section", "text": _mrkdwn(f"*{slack_escape(view.headline)}*")}]
    if view.note:
        blocks.append({"type": "context", "elements": [_mrkdwn(slack_escape(view.note))]})
    blocks += _fields(view.facts)
    if view.keywords:
        blocks.append({"type": "section", "text": _mrkdwn(
            f"*{slack_escape(words['keywords'])}*\n" + "  ".join(f"`{slack_escape(k)}`" for k in view.keywords))})
    if view.why is not None:
        lines = [f"*{slack_escape(view.why.title)}*", slack_escape(view.why.change)]
        lines += [f"• *{slack_escape(segment)}* {slack_escape(total)} — {slack_escape(detail)}"
                  for segment, total, detail in view.why.contributions]
        if view.why.keywords:
            lines.append(f"*{slack_escape(view.why.keywords_title)}*")
            lines += [f"• {slack_escape(line)}" for line, _ in view.why.keywords]
        blocks.append({"type": "section", "text": _mrkdwn(_cut("\n".join(lines)))})
    blocks += _buttons(view.links, primary=True)
    for item in view.signals[:SIGNALS_SHOWN]:
        blocks += _signal_blocks(item, view, words)
    more = more_text(view, min(len(view.signals), SIGNALS_SHOWN))
    if more:
        blocks.append({"type": "context", "elements": [_mrkdwn(slack_escape(more))]})
    blocks.append({"type": "context", "elements": [_mrkdwn(slack_escape(view.why_sent))]})
    return {"text": _cut(slack_escape(view.headline)), "blocks": blocks[:MAX_BLOCKS]}
