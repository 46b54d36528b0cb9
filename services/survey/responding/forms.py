"""Reading and checking answers against a survey version's questions (each type reads itself: see
``shared.question_types``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.contracts.responses import MAX_TEXT
from shared.question_types import question_type

#: Characters of one free-text answer on the page; never more than the contract carries downstream.
TEXT_LIMIT = min(2000, MAX_TEXT)


def parse_score(question: Mapping[str, Any], raw: str | None) -> int | None:
    """A score answer if ``raw`` is an ASCII whole number on the question's scale, else None."""
    return question_type(question["type"]).parse_score(question, raw)


def read_answers(questions: Sequence[Mapping[str, Any]], form: Mapping[str, list[str]]
                 ) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Valid answers, errors (message keys, see ``language``) and refused texts, each keyed by question.

    ``form`` maps field names (``q_<key>``) to the list of submitted values. A refused text is never
    an answer: the page shows it back for shortening, nothing stores it.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    refused: dict[str, str] = {}
    for question in questions:
        key = question["key"]
        values = [v for v in form.get(f"q_{key}", []) if v is not None]
        reading = question_type(question["type"]).read_form(question, values, text_limit=TEXT_LIMIT)
        if reading.answer is not None:
            answers[key] = reading.answer
        if reading.error is not None:
            errors[key] = str(reading.error)
        if reading.refused is not None:
            refused[key] = reading.refused
        if question.get("required") and key not in answers and key not in errors:
            errors[key] = "required_missing"
    return answers, errors, refused
