"""Rules of a survey definition (the versioned content) and picking a customer's language."""

from __future__ import annotations

from typing import Any

from services.survey.exceptions import InvalidSurveyError
from shared.question_types import QUESTION_TYPES, question_type

DEFINITION_FIELDS = ("touchpoint", "default_language", "fallback_languages", "title", "intro", "questions",
                     "sender_name", "thank_you", "redirect_url")


def check_definition(definition: dict[str, Any]) -> None:
    """Raise ``InvalidSurveyError`` unless every text exists in the default language and keys are unique."""
    problems: dict[str, list[str]] = {}
    default = definition["default_language"]

    def complain(where: str, message: str) -> None:
        problems.setdefault(where, []).append(message)

    if default not in definition["title"]:
        complain("title", f"needs a '{default}' (default language) text")
    if definition.get("intro") and default not in definition["intro"]:
        complain("intro", f"needs a '{default}' (default language) text")
    if definition.get("thank_you") and default not in definition["thank_you"]:
        complain("thank_you", f"needs a '{default}' (default language) text")
    known = languages_of(definition)
    for language in definition.get("fallback_languages") or []:
        if language not in known:
            complain("fallback_languages", f"'{language}' has no texts in this survey")
    seen: set[str] = set()
    for index, question in enumerate(definition["questions"]):
        for message in _question_problems(question, default, seen):
            complain(f"questions.{index}", message)
        seen.add(question["key"])
    if problems:
        raise InvalidSurveyError("the survey definition is incomplete; see errors", errors=problems)


def _question_problems(question: dict[str, Any], default: str, earlier: set[str]) -> list[str]:
    """What is wrong with one question, given the keys of the questions before it."""
    problems = []
    if question["key"] in earlier:
        problems.append(f"duplicate question key '{question['key']}'")
    if question["type"] not in QUESTION_TYPES:
        problems.append(f"unknown question type '{question['type']}'")
    if default not in question["text"]:
        problems.append(f"text needs a '{default}' (default language) version")
    choice_keys = [choice["key"] for choice in question.get("choices") or []]
    if len(set(choice_keys)) != len(choice_keys):
        problems.append("duplicate choice keys")
    for choice in question.get("choices") or []:
        if default not in choice["label"]:
            problems.append(f"choice '{choice['key']}' needs a '{default}' label")
    for condition in question.get("show_if") or []:  # skip logic looks back only: no cycles, no forward refs
        if condition["question"] not in earlier:
            problems.append(f"show_if refers to '{condition['question']}', which is not an earlier question")
    return problems


def languages_of(definition: dict[str, Any]) -> set[str]:
    """Languages the title is written in (the survey's languages)."""
    return set(definition["title"])


def pick_language(definition: dict[str, Any], locale: str | None) -> str:
    """The customer's language if the survey has it, else the fallbacks in order, else the default."""
    available = languages_of(definition)
    candidates: list[str] = []
    if locale:
        normalised = locale.replace("_", "-")
        candidates += [normalised, normalised.split("-")[0].lower()]
    candidates += list(definition.get("fallback_languages") or [])
    candidates.append(definition["default_language"])
    for language in candidates:
        if language in available:
            return language
    return definition["default_language"]


def text_in(texts: dict[str, str] | None, language: str, definition: dict[str, Any]) -> str:
    """One translated text, falling back through the survey's fallback order."""
    texts = texts or {}
    for candidate in [language, *(definition.get("fallback_languages") or []), definition["default_language"]]:
        if candidate in texts:
            return texts[candidate]
    return next(iter(texts.values()), "")


def first_score_question(definition: dict[str, Any]) -> dict[str, Any] | None:
    """The first question whose type offers one-click score links (embedded in invitations)."""
    return next((q for q in definition["questions"] if question_type(q["type"]).one_click), None)
