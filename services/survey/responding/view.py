"""Template context of the response page, in the customer's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.survey.responding.forms import TEXT_LIMIT
from services.survey.responding.language import messages_for
from services.survey.responding.page import PageView
from services.survey.responding.skip_logic import is_shown, page_breaks, shown_keys
from services.survey.survey_definition import text_in
from shared.question_types import question_type


def _question(question: Mapping[str, Any], view: PageView, messages: dict[str, str]) -> dict[str, Any]:
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
            **_page_of(view, messages)}


def _page_of(view: PageView, messages: dict[str, str]) -> dict[str, Any]:
    """The questions of the view's page that the answers so far show, and where the page stands."""
    pages = page_breaks(view.definition["questions"])
    index = view.page if view.page is not None and view.page < len(pages) else 0
    before = [q for page in pages[:index] for q in page]
    known = {key: view.answers[key] for key in shown_keys(before, view.answers) if key in view.answers}
    here = [q for q in pages[index] if is_shown(q, known)]
    later = sum(len(page) for page in pages[index + 1:])
    offset = len(shown_keys(before, known))
    return {"questions": [_question(q, view, messages) for q in here],
            "page": index if len(pages) > 1 else None, "more_pages": index < len(pages) - 1,
            "progress_offset": offset, "progress_total": offset + len(here) + later}
