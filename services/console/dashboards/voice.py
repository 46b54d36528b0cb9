"""What the survey summary shows of where people left and of what they wrote: drop-off per question
(from the survey service) and the period's comment keywords with the rising ones marked (from metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale


@dataclass(frozen=True)
class QuestionStep:
    """One question's row of the drop-off table."""

    position: int
    text: str
    reached: int
    answered: int
    dropped: int
    worst: bool  # the question most people left at

    @property
    def dropped_share(self) -> float | None:
        """Percent of those who reached the question and left there."""
        return 100.0 * self.dropped / self.reached if self.reached else None


def _in_language(texts: dict[str, str], fallback: str) -> str:
    language = str(get_locale() or "en")
    return texts.get(language) or next(iter(texts.values()), fallback)


def dropoff_steps(report: dict[str, Any] | None) -> list[QuestionStep]:
    """The drop-off table's rows in question order; the question most left at is marked (none when nobody left)."""
    questions = (report or {}).get("questions", [])
    most = max((q["dropped"] for q in questions), default=0)
    return [QuestionStep(position=q["position"], text=_in_language(q["text"], q["key"]), reached=q["reached"],
                         answered=q["answered"], dropped=q["dropped"], worst=bool(most) and q["dropped"] == most)
            for q in questions]


@dataclass(frozen=True)
class KeywordItem:
    """A keyword of the period: how often, its share with interval, whether it rose, and example comments."""

    keyword: str
    count: int
    previous_count: int
    share: float | None
    share_low: float | None
    share_high: float | None
    rising: bool
    ratio: float | None
    examples: list[str] = field(default_factory=list)


def keyword_items(report: dict[str, Any] | None) -> tuple[list[KeywordItem], dict[str, Any] | None]:
    """The period's top keywords (rising ones marked, rising ones outside the top added) and the group's
    counts (comments now and before, too few to trust); empty when there are no comments."""
    groups = (report or {}).get("groups", [])
    if not groups:
        return [], None
    group = groups[0]
    rising = {item["keyword"]: item for item in group["rising"]}
    items = []
    for top in group["top"]:
        rise = rising.get(top["keyword"])
        items.append(KeywordItem(keyword=top["keyword"], count=top["count"], previous_count=top["previous_count"],
                                 share=_percent(top["share"]), share_low=_percent(top["share_ci_low"]),
                                 share_high=_percent(top["share_ci_high"]), rising=rise is not None,
                                 ratio=rise["ratio"] if rise else None,
                                 examples=[e["text"] for e in (rise or top)["examples"]]))
    listed = {item.keyword for item in items}
    for keyword, rise in rising.items():
        if keyword not in listed:
            items.append(KeywordItem(keyword=keyword, count=rise["count"], previous_count=rise["previous_count"],
                                     share=_percent(rise["share"]), share_low=None, share_high=None, rising=True,
                                     ratio=rise["ratio"], examples=[e["text"] for e in rise["examples"]]))
    counts = {"comments": group["n_comments"], "previous": group["n_previous_comments"],
              "insufficient": group["insufficient"]}
    return items, counts


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share
