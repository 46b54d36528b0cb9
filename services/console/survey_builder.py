"""The survey builder's form: a survey as typed (every text kept, even an empty one), read from the
posted form, changed by the builder's buttons (add, move, remove), turned into the API's body, and the
API's error paths mapped back to the fields they concern. Pure functions: no Flask, no HTTP.

Field names (also the ids of the inputs): ``name``, ``touchpoint``, ``default_language``,
``fallback-<lang>``, ``recontact_days``, ``title-<lang>``, ``intro-<lang>``, ``q-<i>-key|type|required|
scale_max|dimension|driver``, ``q-<i>-text-<lang>``, ``q-<i>-c-<j>-key``, ``q-<i>-c-<j>-label-<lang>``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from shared.question_types import REGISTRY, question_type

#: The languages the builder always shows side by side (others a survey has are shown too).
BUILDER_LANGUAGES = ("ko", "en")
_QUESTION = re.compile(r"^q-(\d+)-")
_CHOICE = re.compile(r"^q-(\d+)-c-(\d+)-")
_LANGUAGE_FIELD = re.compile(r"^(?:title|intro|q-\d+-text|q-\d+-c-\d+-label)-([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")


def blank_survey() -> dict[str, Any]:
    """What ``/surveys/new`` starts from: Korean first, English as the fallback, one NPS question."""
    return {"name": "", "touchpoint": "", "default_language": "ko", "fallback_languages": ["en"],
            "recontact_days": "30", "title": {}, "intro": {}, "questions": [new_question("nps", [])]}


def from_survey(survey: Mapping[str, Any], definition: Mapping[str, Any]) -> dict[str, Any]:
    """The builder's state of a stored survey and the definition it edits (draft or live version)."""
    state = copy.deepcopy(dict(definition))
    state["name"], state["recontact_days"] = survey["name"], str(survey["recontact_days"])
    state.setdefault("intro", {})
    state.setdefault("fallback_languages", [])
    return state


def new_question(type_name: str, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """A new question of a registered type with a free key (``q1``, ``q2`` ...); choice types get two choices."""
    kind = question_type(type_name)
    taken = {q.get("key") for q in questions}
    number = len(questions) + 1
    while f"q{number}" in taken:
        number += 1
    question: dict[str, Any] = {"key": f"q{number}", "type": kind.name, "text": {}, "required": False,
                                "scale_max": None, "choices": None, "dimension": None, "driver": None}
    if kind.has_choices:
        question["choices"] = [{"key": "c1", "label": {}}, {"key": "c2", "label": {}}]
    return question


def languages_of(state: Mapping[str, Any]) -> list[str]:
    """The builder's languages first, then any other language the survey has texts in."""
    found = list(BUILDER_LANGUAGES)
    texts = [state.get("title") or {}, state.get("intro") or {}]
    for question in state.get("questions") or []:
        texts.append(question.get("text") or {})
        texts.extend(choice.get("label") or {} for choice in question.get("choices") or [])
    for group in texts:
        found.extend(language for language in group if language not in found)
    found.extend(lang for lang in [state.get("default_language") or "", *(state.get("fallback_languages") or [])]
                 if lang and lang not in found)
    return found


def _texts(form: Mapping[str, Any], prefix: str) -> dict[str, str]:
    texts = {}
    for name in form:
        match = _LANGUAGE_FIELD.match(name)
        if match and name == f"{prefix}-{match.group(1)}":
            texts[match.group(1)] = str(form.get(name) or "")
    return texts


def read_form(form: Any) -> dict[str, Any]:
    """The builder's state from a posted form (a ``MultiDict``-like mapping: ``get`` and ``getlist``)."""
    question_numbers = sorted({int(m.group(1)) for name in form if (m := _QUESTION.match(name))})
    questions = []
    for i in question_numbers:
        type_name = str(form.get(f"q-{i}-type") or "")
        question = {"key": str(form.get(f"q-{i}-key") or "").strip(), "type": type_name,
                    "text": _texts(form, f"q-{i}-text"), "required": form.get(f"q-{i}-required") == "yes",
                    "scale_max": str(form.get(f"q-{i}-scale_max") or "").strip() or None,
                    "dimension": form.get(f"q-{i}-dimension") or None, "driver": form.get(f"q-{i}-driver") or None,
                    "choices": None}
        choice_numbers = sorted({int(m.group(2)) for name in form
                                 if (m := _CHOICE.match(name)) and int(m.group(1)) == i})
        if choice_numbers or (type_name in REGISTRY and REGISTRY[type_name].has_choices):
            question["choices"] = [{"key": str(form.get(f"q-{i}-c-{j}-key") or "").strip(),
                                    "label": _texts(form, f"q-{i}-c-{j}-label")} for j in choice_numbers]
        questions.append(question)
    fallback = [language for language in form.getlist("fallback_languages") if language]
    return {"name": str(form.get("name") or ""), "touchpoint": str(form.get("touchpoint") or ""),
            "default_language": str(form.get("default_language") or ""), "fallback_languages": fallback,
            "recontact_days": str(form.get("recontact_days") or "").strip(),
            "title": _texts(form, "title"), "intro": _texts(form, "intro"), "questions": questions}


def apply_action(state: dict[str, Any], action: str, *, new_type: str | None = None) -> dict[str, Any]:
    """The state after a builder button: ``add``, ``up-<i>``, ``down-<i>``, ``remove-<i>``,
    ``add-choice-<i>``, ``remove-choice-<i>-<j>``. An unknown action changes nothing."""
    questions = state["questions"]
    parts = action.split("-")
    if action == "add" and new_type in REGISTRY:
        questions.append(new_question(new_type, questions))
        return state
    numbers = [int(part) for part in parts if part.isdigit()]
    if not numbers or numbers[0] >= len(questions):
        return state
    i = numbers[0]
    if parts[0] == "up" and i > 0:
        questions[i - 1], questions[i] = questions[i], questions[i - 1]
    elif parts[0] == "down" and i + 1 < len(questions):
        questions[i + 1], questions[i] = questions[i], questions[i + 1]
    elif parts[0] == "remove" and len(parts) == 2:
        del questions[i]
    elif action.startswith("add-choice-"):
        choices = questions[i].setdefault("choices", None) or []
        taken, number = {c.get("key") for c in choices}, len(choices) + 1
        while f"c{number}" in taken:
            number += 1
        questions[i]["choices"] = [*choices, {"key": f"c{number}", "label": {}}]
    elif action.startswith("remove-choice-") and len(numbers) == 2:
        choices = questions[i].get("choices") or []
        if numbers[1] < len(choices):
            del choices[numbers[1]]
    return state


def _filled(texts: Mapping[str, str]) -> dict[str, str]:
    return {language: text for language, text in texts.items() if text and text.strip()}


def _number(text: str | None) -> int | str | None:
    """A whole number as int; anything else as typed, so the API's message lands next to the field."""
    if text is None or text == "":
        return None
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else text


def api_body(state: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /v1/surveys`` / ``PATCH`` body of a state: empty texts left out, choices only on choice types."""
    questions = []
    for question in state["questions"]:
        kind = REGISTRY.get(question["type"])
        item: dict[str, Any] = {"key": question["key"], "type": question["type"], "text": _filled(question["text"]),
                                "required": bool(question.get("required")),
                                "dimension": question.get("dimension"), "driver": question.get("driver")}
        if kind is not None and kind.adjustable:
            item["scale_max"] = _number(question.get("scale_max"))
        if kind is None or kind.has_choices:
            item["choices"] = [{"key": choice["key"], "label": _filled(choice["label"])}
                               for choice in question.get("choices") or []]
        questions.append(item)
    body: dict[str, Any] = {"name": state["name"].strip(), "touchpoint": state["touchpoint"],
                            "default_language": state["default_language"],
                            "fallback_languages": [lang for lang in state["fallback_languages"]
                                                   if lang != state["default_language"]],
                            "title": _filled(state["title"]), "intro": _filled(state["intro"]),
                            "questions": questions}
    days = _number(state.get("recontact_days"))
    if days is not None:
        body["recontact_days"] = days
    return body


def error_target(path: str) -> str | None:
    """The builder field (or field group) an API error path concerns, None when it is none of them.

    ``questions.2.choices.1.label.en.value`` -> ``q-2-c-1-label``; ``questions.0`` -> ``q-0``;
    ``title.ko.value`` -> ``title``; ``fallback_languages.0`` -> ``fallback_languages``.
    """
    tokens = path.split(".")
    if tokens[0] == "questions" and len(tokens) > 1 and tokens[1].isdigit():
        rest = tokens[2:]
        if not rest:
            return f"q-{tokens[1]}"
        if rest[0] == "choices" and len(rest) > 1 and rest[1].isdigit():
            inner = rest[2:]
            return f"q-{tokens[1]}-c-{rest[1]}" + (f"-{inner[0]}" if inner and inner[0] in ("key", "label") else "")
        return f"q-{tokens[1]}-{rest[0]}"
    if tokens[0] in ("name", "touchpoint", "default_language", "fallback_languages", "recontact_days", "title",
                     "intro", "questions"):
        return tokens[0]
    return None


def errors_by_field(field_errors: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """API errors per builder field, and those that concern no field (shown at the top)."""
    per_field: dict[str, list[str]] = {}
    general: list[str] = []
    for path, messages in field_errors.items():
        target = error_target(path)
        if target is None:
            general.extend(f"{path}: {message}" for message in messages)
        else:
            per_field.setdefault(target, []).extend(messages)
    return per_field, general


def fallback_for(texts: Mapping[str, str], language: str, state: Mapping[str, Any]) -> str | None:
    """The language a customer reading ``language`` sees when its text is missing (None: nothing to show).

    The same order as the response page: the survey's fallback languages, then its default language.
    """
    filled = _filled(texts)
    if language in filled or not filled:
        return None
    for candidate in [*(state.get("fallback_languages") or []), state.get("default_language")]:
        if candidate in filled:
            return candidate
    return next(iter(filled))


def error_anchor(target: str, state: Mapping[str, Any]) -> str:
    """The id of the input an error summary entry links to (the first input of a group)."""
    default = state.get("default_language") or BUILDER_LANGUAGES[0]
    if target in ("title", "intro") or target.endswith(("-text", "-label")):
        return f"{target}-{default}"
    if re.fullmatch(r"q-\d+(-c-\d+)?", target):
        return f"{target}-key"
    if target == "fallback_languages":
        return "fallback-languages"
    if target == "questions":
        return "add-question"
    return target
