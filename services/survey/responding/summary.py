"""What the inbox shows of a response at a glance, kept on the response with each version: its main
score (the first NPS, CSAT or CES answer, in question order) and its comment (the text answers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.question_types import SCORE_METRIC_OF

MAX_COMMENT = 20_000


def summary_of(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``score_metric``, ``score`` and ``comment`` of a response's answers (contract form, in question order)."""
    scored = next((item for item in items if item["type"] in SCORE_METRIC_OF and item.get("value") is not None), None)
    texts = [item["text"].strip() for item in items if item.get("text") and item["text"].strip()]
    return {"score_metric": SCORE_METRIC_OF[scored["type"]] if scored else None,
            "score": scored["value"] if scored else None,
            "comment": "\n".join(texts)[:MAX_COMMENT] or None}


def keep_summary(response: Any, items: Sequence[Mapping[str, Any]]) -> None:
    """Store the summary of ``items`` on the response (the inbox filters on it)."""
    for name, value in summary_of(items).items():
        setattr(response, name, value)
