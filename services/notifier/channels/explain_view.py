"""The "why it dropped" part of an alert notice, once for every channel: the top segment
contributions with their intervals and the keywords that rose among the low scores (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.notifier.channels.numbers import number, percent, with_interval
from shared.contracts.fields import one_line

WORDS = {
    "en": {"title": "Why it dropped, by {grouping}", "change": "Change {change}; the segments' parts add up to it",
           "detail": "{before} → {after}, share of answers {w0} → {w1}", "none": "(no value)",
           "keywords": "Rising among low scores", "keyword": "{keyword}: {count} (was {previous}, ×{ratio})"},
    "ko": {"title": "{grouping}별로 본 하락 원인", "change": "변화 {change}; 구간별 기여를 더하면 이 값입니다",
           "detail": "{before} → {after}, 응답 비중 {w0} → {w1}", "none": "(값 없음)",
           "keywords": "낮은 점수에서 늘어난 키워드", "keyword": "{keyword}: {count}건 (이전 {previous}건, ×{ratio})"},
}


@dataclass(frozen=True)
class ExplainView:
    """Rows of ``(label, text)``: one per contribution, then one per keyword (with its example)."""

    title: str
    change: str
    contributions: list[tuple[str, str, str]] = field(default_factory=list)  # segment, total, detail
    keywords: list[tuple[str, str | None]] = field(default_factory=list)  # line, example
    keywords_title: str = ""


def grouping_label(grouping: str) -> str:
    """``attr.carrier`` reads as ``carrier``."""
    return grouping[5:] if grouping.startswith("attr.") else grouping


def explain_view(explanation: dict[str, Any] | None, *, metric: str | None, lang: str) -> ExplainView | None:
    """The explanation in the lead's language, or None when the notice has none."""
    if not explanation or not explanation.get("contributions"):
        return None
    words = WORDS.get(lang, WORDS["en"])
    contributions = []
    for item in explanation["contributions"]:
        segment = one_line(str(item.get("segment"))) if item.get("segment") is not None else words["none"]
        detail = words["detail"].format(before=number(item.get("baseline_score"), metric),
                                        after=number(item.get("current_score"), metric),
                                        w0=percent(item.get("baseline_share")), w1=percent(item.get("current_share")))
        contributions.append((segment, with_interval(item.get("total"), metric, sign=True), detail))
    keywords = []
    for item in explanation.get("keywords") or []:
        line = words["keyword"].format(keyword=one_line(str(item.get("keyword"))), count=item.get("count"),
                                       previous=item.get("previous_count"),
                                       ratio="-" if item.get("ratio") is None else f"{item['ratio']:.1f}")
        example = one_line(item["example"])[:160] if item.get("example") else None
        keywords.append((line, example))
    return ExplainView(title=words["title"].format(grouping=grouping_label(explanation.get("grouping") or "")),
                       change=words["change"].format(change=with_interval(explanation.get("change"), metric, sign=True)),
                       contributions=contributions, keywords=keywords, keywords_title=words["keywords"])


def explain_lines(view: ExplainView | None) -> list[str]:
    """The plain-text lines (email text part)."""
    if view is None:
        return []
    lines = ["", view.title, view.change]
    lines += [f"  {segment}: {total} ({detail})" for segment, total, detail in view.contributions]
    if view.keywords:
        lines.append(view.keywords_title)
        for line, example in view.keywords:
            lines.append(f"  {line}" + (f" — \"{example}\"" if example else ""))
    return lines
