"""The answers behind a low-score notice as a person reads them: the question's text and the chosen
choices' labels (``late; damaged``), from the labels survey sends with the signal."""

from __future__ import annotations

from typing import Any

from shared.question_types import REGISTRY


def answer_text(answer: dict[str, Any], labels: dict[str, str]) -> str | None:
    """One answer in words: choices by their labels, a score with its scale (``2 / 10``), or the text."""
    if answer.get("choices"):
        return "; ".join(str(labels.get(choice, choice)) for choice in answer["choices"])
    if answer.get("value") is not None:
        kind = REGISTRY.get(answer.get("type") or "")
        scale = kind.scale(answer.get("scale_max")) if kind is not None else None
        return f"{answer['value']} / {scale[1]}" if scale else str(answer["value"])
    return answer.get("text") or None


def answer_rows(item: dict[str, Any], *, lang: str) -> list[tuple[str, str]]:
    """``(question, answer)`` per answer of a signal; the comment, shown on its own, is left out."""
    questions = item.get("questions") or {}
    rows = []
    for answer in item.get("answers") or []:
        about = questions.get(answer.get("question_key")) or {}
        if answer.get("text") and answer.get("text") == item.get("comment"):
            continue
        shown = answer_text(answer, about.get("choices") or {})
        if shown:
            rows.append((str(about.get("text") or answer.get("question_key")), shown))
    return rows
