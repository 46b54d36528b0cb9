"""Skip logic: a question is shown only when every one of its ``show_if`` conditions on earlier answers
holds, with the operators of trigger conditions (``services.survey.conditions.holds``).

The form is cut into pages so that no question depends on another of its own page: a page's shown
questions are known from the answers of the pages before it. The server shows one page at a time
without JavaScript and with it (the script walks the questions of a page one by one), and it checks
a whole form the same way, so a hidden question is never required and its answer never stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.survey.conditions import MISSING, holds
from services.survey.responding.forms import read_answers

Question = Mapping[str, Any]


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the question is shown given the answers so far (an unanswered question is missing)."""
    return all(holds(condition["op"], answers.get(condition["question"], MISSING), condition.get("value"))
               for condition in question.get("show_if") or [])


def shown_keys(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[str]:
    """Keys of the questions shown, in order; the answer of a hidden question counts as missing."""
    kept: dict[str, Any] = {}
    shown = []
    for question in questions:
        if is_shown(question, kept):
            shown.append(question["key"])
            if question["key"] in answers:
                kept[question["key"]] = answers[question["key"]]
    return shown


def page_breaks(questions: Sequence[Question]) -> list[list[Question]]:
    """The questions in pages: a new page starts at a question whose condition looks at its own page."""
    pages: list[list[Question]] = [[]]
    for question in questions:
        on_page = {q["key"] for q in pages[-1]}
        if any(condition["question"] in on_page for condition in question.get("show_if") or []):
            pages.append([])
        pages[-1].append(question)
    return pages


def page_index(raw: Sequence[str] | None, count: int) -> int | None:
    """The page a form says it is (``page`` field), None for a whole form or anything else."""
    value = (raw or [""])[0]
    if not value.isascii() or not value.isdigit() or len(value) > 3:
        return None
    index = int(value)
    return index if index < count else None


@dataclass(frozen=True)
class PageReading:
    """One submitted page read against the skip logic.

    ``answers`` holds every shown answer known after this page (earlier pages' stored ones included);
    ``next_page`` is the next page with a question to show, None when the survey is complete (or the
    page needs fixing: see ``errors``). ``shown`` lists the questions shown up to this page.
    """

    page: int | None
    answers: dict[str, Any]
    errors: dict[str, str]
    refused: dict[str, str]
    next_page: int | None
    shown: list[str] = field(default_factory=list)


def read_page(questions: Sequence[Question], form: Mapping[str, list[str]], *,
              stored: Mapping[str, Any]) -> PageReading:
    """Read the page the form names (or the whole form) and decide what comes next."""
    pages = page_breaks(questions)
    index = page_index(form.get("page"), len(pages)) if len(pages) > 1 else None
    before = [q for page in pages[:index or 0] for q in page]
    here = pages[index] if index is not None else list(questions)
    answers = {key: stored[key] for key in shown_keys(before, stored) if key in stored}
    errors: dict[str, str] = {}
    refused: dict[str, str] = {}
    for question in here:
        if is_shown(question, answers):
            found, problems, too_long = read_answers([question], form)
            answers.update(found)
            errors.update(problems)
            refused.update(too_long)
    end = index + 1 if index is not None else len(pages)  # the pages read so far
    next_page = None
    if not errors:
        next_page = next((number for number in range(end, len(pages))
                          if any(is_shown(q, answers) for q in pages[number])), None)
    kept_later = {q["key"]: stored[q["key"]] for page in pages[end:] for q in page if q["key"] in stored}
    merged = {**answers, **kept_later}  # later answers stay for when the person comes back to them
    shown = shown_keys([q for page in pages[:end] for q in page], merged)
    kept = {key: merged[key] for key in shown_keys(questions, merged) if key in merged}
    return PageReading(page=index, answers=kept, errors=errors, refused=refused, next_page=next_page, shown=shown)
