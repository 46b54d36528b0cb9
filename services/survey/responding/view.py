"""Template context of the response page, in the customer's language."""

from __future__ import annotations

from typing import Any

from services.survey.responding.forms import TEXT_LIMIT
from services.survey.responding.language import messages_for
from services.survey.responding.page import PageView
from services.survey.survey_definition import text_in
from shared.question_types import question_type


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
    kind_of = question_type(kind)
    item["answer"] = str(kind_of.answer)  # the template lays a question out by the shape of its answer
    item["options"] = [{"value": option.value, "checked": chosen == option.value, "shown": option.shown,
                        "hidden_label": option.hidden_label} for option in kind_of.options(question, language)]
    ends = kind_of.scale_labels(language)
    if ends is not None:
        item["low_label"], item["high_label"] = ends
    for choice in question.get("choices") or []:
        picked = chosen if isinstance(chosen, list) else [chosen]
        item["choices"].append({"key": choice["key"], "label": text_in(choice["label"], language, definition),
                                "checked": choice["key"] in picked})
    return item


def page_context(view: PageView, action: str) -> dict[str, Any]:
    """Everything the templates need for one view."""
    messages = messages_for(view.language)
    base = {"lang": view.language, "m": messages}
    if view.kind in ("neutral", "too_large", "unsupported"):
        return {**base, "page_title": messages[view.kind + "_title"], "heading": messages[view.kind + "_title"],
                "body": messages[view.kind + "_body"].format(limit=TEXT_LIMIT)}
    title = text_in(view.definition.get("title"), view.language, view.definition)
    if view.kind in ("thanks", "answered"):
        prefix = "thanks" if view.kind == "thanks" else "answered"
        thank_you = view.definition.get("thank_you") if view.kind == "thanks" else None
        body = text_in(thank_you, view.language, view.definition) if thank_you else messages[prefix + "_body"]
        return {**base, "page_title": f"{messages[prefix + '_title']} · {title}",
                "heading": messages[prefix + "_title"], "body": body,
                "redirect_url": view.definition.get("redirect_url") if view.kind == "thanks" else None}
    intro = view.definition.get("intro")
    return {**base, "page_title": title, "title": title, "action": action,
            "intro": text_in(intro, view.language, view.definition) if intro else "",
            "recorded": view.recorded_score, "errors": view.errors, "text_limit": TEXT_LIMIT,
            "questions": [_question(q, view, messages) for q in view.definition["questions"]]}
