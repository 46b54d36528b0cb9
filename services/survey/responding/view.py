"""Template context of the response page, in the customer's language."""

from __future__ import annotations

from typing import Any

from services.survey.responding.forms import TEXT_LIMIT
from services.survey.responding.language import messages_for
from services.survey.responding.page import PageView
from services.survey.survey_definition import score_range, text_in

END_LABELS = {"nps": ("nps_low", "nps_high"), "csat": ("csat_low", "csat_high"), "ces": ("ces_low", "ces_high")}


def _question(question: dict[str, Any], view: PageView, messages: dict[str, str]) -> dict[str, Any]:
    definition, language = view.definition, view.language
    key, kind = question["key"], question["type"]
    chosen = view.answers.get(key)
    item: dict[str, Any] = {"key": key, "type": kind, "required": bool(question.get("required")),
                            "text": text_in(question["text"], language, definition), "value": chosen,
                            "options": [], "choices": [], "low_label": None, "high_label": None}
    error = view.errors.get(key)
    if error:
        item["error"] = messages[error].format(limit=TEXT_LIMIT)
    scale = score_range(question)
    if scale is not None:
        low, high = scale
        for value in range(low, high + 1):
            option = {"value": value, "checked": chosen == value, "shown": str(value), "hidden_label": None}
            if kind == "rating":
                option["shown"] = "★"
                option["hidden_label"] = messages["stars"].format(n=value, max=high)
            item["options"].append(option)
        if kind in END_LABELS:
            item["low_label"], item["high_label"] = (messages[k] for k in END_LABELS[kind])
    for choice in question.get("choices") or []:
        picked = chosen if isinstance(chosen, list) else [chosen]
        item["choices"].append({"key": choice["key"], "label": text_in(choice["label"], language, definition),
                                "checked": choice["key"] in picked})
    return item


def page_context(view: PageView, action: str) -> dict[str, Any]:
    """Everything the templates need for one view."""
    messages = messages_for(view.language)
    base = {"lang": view.language, "m": messages}
    if view.kind in ("neutral", "too_large"):
        return {**base, "page_title": messages[view.kind + "_title"], "heading": messages[view.kind + "_title"],
                "body": messages[view.kind + "_body"].format(limit=TEXT_LIMIT)}
    title = text_in(view.definition.get("title"), view.language, view.definition)
    if view.kind in ("thanks", "answered"):
        prefix = "thanks" if view.kind == "thanks" else "answered"
        return {**base, "page_title": f"{messages[prefix + '_title']} · {title}",
                "heading": messages[prefix + "_title"], "body": messages[prefix + "_body"]}
    intro = view.definition.get("intro")
    return {**base, "page_title": title, "title": title, "action": action,
            "intro": text_in(intro, view.language, view.definition) if intro else "",
            "recorded": view.recorded_score, "errors": view.errors, "text_limit": TEXT_LIMIT,
            "questions": [_question(q, view, messages) for q in view.definition["questions"]]}
