"""Reading and checking answers against a survey version's questions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from services.survey.survey_definition import score_range
from shared.contracts.responses import MAX_TEXT

#: Characters of one free-text answer on the page; never more than the contract carries downstream.
TEXT_LIMIT = min(2000, MAX_TEXT)
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}", re.ASCII)


def parse_score(question: Mapping[str, Any], raw: str | None) -> int | None:
    """A score answer if ``raw`` is a whole number on the question's scale, else None."""
    scale = score_range(question)
    # ASCII digits only: str.isdigit() accepts '²' and '①', which int() then refuses.
    if scale is None or raw is None or not _WHOLE_NUMBER.fullmatch(raw.strip()):
        return None
    value = int(raw)
    return value if scale[0] <= value <= scale[1] else None


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
        key, kind = question["key"], question["type"]
        values = [v for v in form.get(f"q_{key}", []) if v is not None]
        if kind == "text":
            text = (values[0] if values else "").strip()
            if len(text) > TEXT_LIMIT:
                errors[key] = "too_long"
                refused[key] = text
            elif text:
                answers[key] = text
        elif kind == "multi_choice":
            allowed = {c["key"] for c in question.get("choices") or []}
            chosen = [v for v in dict.fromkeys(values) if v in allowed]
            if len(chosen) != len(set(values)):
                errors[key] = "out_of_range"
            if chosen:
                answers[key] = chosen
        elif kind == "single_choice":
            allowed = {c["key"] for c in question.get("choices") or []}
            if values and values[0] in allowed:
                answers[key] = values[0]
            elif values and values[0]:
                errors[key] = "out_of_range"
        else:
            value = parse_score(question, values[0] if values else None)
            if value is not None:
                answers[key] = value
            elif values and values[0]:
                errors[key] = "out_of_range"
        if question.get("required") and key not in answers and key not in errors:
            errors[key] = "required_missing"
    return answers, errors, refused
