"""Question types: the one registry of what each type asks, its scale, how a form value is read, how its
labels read in Korean and English, and what its answer becomes in the response contract.

Every place that needs to know about a question type asks here (survey design, the response page, the
invitation email, the response contract, metrics). Adding a type means adding a ``QuestionType`` to
``REGISTRY``, its markup to the response page template if it needs new markup, and tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: The tags a question may carry: its experience dimension (Schmitt's five) and the driver it measures.
DIMENSIONS = ("sense", "feel", "think", "act", "relate")
DRIVERS = ("people", "process", "product")
#: The languages the registry's own words are written in; any other falls back to English.
LABEL_LANGUAGES = ("en", "ko")
#: A score a customer types or clicks: ASCII digits only (``str.isdigit`` accepts '²' and '①').
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}", re.ASCII)


class AnswerKind(StrEnum):
    """The shape of an answer: a number on a scale, one choice, several choices, or free text."""

    SCORE = "score"
    CHOICE = "choice"
    CHOICES = "choices"
    TEXT = "text"


class FormError(StrEnum):
    """Why a form value is not an answer (message keys of the response page)."""

    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"


class UnknownQuestionTypeError(ValueError):
    """A question type the registry does not hold (a stored survey written by another version)."""

    def __init__(self, name: object) -> None:
        super().__init__(f"unknown question type {name!r}; known types: {', '.join(REGISTRY)}")
        self.name = name


@dataclass(frozen=True)
class FormReading:
    """One question read from a form: its answer (None when absent), or an error and the refused text."""

    answer: Any = None
    error: FormError | None = None
    refused: str | None = None


@dataclass(frozen=True)
class Option:
    """One step of a scale as the page shows it: the visible text, and words for screen readers."""

    value: int
    shown: str
    hidden_label: str | None = None


def _words(texts: Mapping[str, str], language: str | None) -> str:
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return texts.get(base, texts["en"])


@dataclass(frozen=True)
class QuestionType:
    """One question type.

    A score type has a scale ``low..high``; ``adjustable`` types take ``high`` from the question's
    ``scale_max`` (``high`` is then the default). ``metric`` names the score metrics computes from
    its answers (None: stored as an answer only). ``one_click`` types are offered as one-click score
    links in invitations.
    """

    name: str
    answer: AnswerKind
    low: int | None = None
    high: int | None = None
    adjustable: bool = False
    metric: str | None = None
    one_click: bool = False
    end_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    option_labels: Mapping[str, Mapping[int, str]] = field(default_factory=dict)
    step_label: Mapping[str, str] = field(default_factory=dict)
    step_symbol: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)  # what the type is called, in ko and en

    def title(self, language: str | None) -> str:
        """The type's name for people designing surveys, in the language (English when not translated)."""
        return _words(self.titles, language) if self.titles else self.name

    @property
    def is_score(self) -> bool:
        """True when answers are numbers on a scale."""
        return self.answer is AnswerKind.SCORE

    @property
    def has_choices(self) -> bool:
        """True when the question lists choices."""
        return self.answer in (AnswerKind.CHOICE, AnswerKind.CHOICES)

    def scale(self, scale_max: int | None = None) -> tuple[int, int] | None:
        """The (low, high) answer range, None for types without a scale."""
        if not self.is_score or self.low is None or self.high is None:
            return None
        return self.low, int(scale_max) if self.adjustable and scale_max is not None else self.high

    def scale_of(self, question: Mapping[str, Any]) -> tuple[int, int] | None:
        """The answer range of one question of this type."""
        return self.scale(question.get("scale_max"))

    def parse_score(self, question: Mapping[str, Any], raw: str | None) -> int | None:
        """A score if ``raw`` is an ASCII whole number on the question's scale, else None."""
        scale = self.scale_of(question)
        if scale is None or raw is None or not _WHOLE_NUMBER.fullmatch(raw.strip()):
            return None
        value = int(raw)
        return value if scale[0] <= value <= scale[1] else None

    def read_form(self, question: Mapping[str, Any], values: Sequence[str], *, text_limit: int) -> FormReading:
        """The answer held by a question's submitted form values (``q_<key>``), or why there is none."""
        if self.answer is AnswerKind.TEXT:
            text = (values[0] if values else "").strip()
            if len(text) > text_limit:
                return FormReading(error=FormError.TOO_LONG, refused=text)
            return FormReading(answer=text or None)
        allowed = {choice["key"] for choice in question.get("choices") or []}
        if self.answer is AnswerKind.CHOICES:
            chosen = [v for v in dict.fromkeys(values) if v in allowed]
            error = FormError.OUT_OF_RANGE if len(chosen) != len(set(values)) else None
            return FormReading(answer=chosen or None, error=error)
        first = values[0] if values else None
        answer = (first if first in allowed else None) if self.answer is AnswerKind.CHOICE \
            else self.parse_score(question, first)
        return FormReading(answer=answer, error=FormError.OUT_OF_RANGE if answer is None and first else None)

    def value_problem(self, value: int | None, scale_max: int | None) -> str | None:
        """Why a contract answer's ``value`` does not fit this type (None when it fits)."""
        if value is None:
            return None
        scale = self.scale(scale_max)
        if scale is None:
            return "only score questions carry a value"
        if not scale[0] <= value <= scale[1]:
            return f"{self.name} answers lie in {scale[0]}..{scale[1]}"
        return None

    def contract_item(self, question: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        """The answer in the response contract's form (``shared.contracts.responses.AnswerSchema``)."""
        item: dict[str, Any] = {"question_key": question["key"], "type": self.name, "value": None,
                                "scale_max": question.get("scale_max"), "choices": [], "text": None,
                                "dimension": question.get("dimension"), "driver": question.get("driver")}
        if self.answer is AnswerKind.TEXT:
            item["text"] = answer
        elif self.answer is AnswerKind.CHOICES:
            item["choices"] = list(answer)
        elif self.answer is AnswerKind.CHOICE:
            item["choices"] = [answer]
        else:
            item["value"] = int(answer)
        return item

    def answer_of(self, item: Mapping[str, Any]) -> Any:
        """The stored answer a contract item holds: the inverse of :meth:`contract_item`."""
        if self.answer is AnswerKind.TEXT:
            return item.get("text")
        if self.answer is AnswerKind.CHOICES:
            return list(item.get("choices") or [])
        if self.answer is AnswerKind.CHOICE:
            return (item.get("choices") or [None])[0]
        return item.get("value")

    def scale_labels(self, language: str | None) -> tuple[str, str] | None:
        """The words at the two ends of the scale, in the language (English when not translated)."""
        if not self.end_labels:
            return None
        base = (language or "en").replace("_", "-").split("-")[0].lower()
        return self.end_labels.get(base, self.end_labels["en"])

    def options(self, question: Mapping[str, Any], language: str | None) -> list[Option]:
        """The steps of the question's scale as the page shows them (empty for types without a scale)."""
        scale = self.scale_of(question)
        if scale is None:
            return []
        low, high = scale
        steps = []
        for value in range(low, high + 1):
            hidden = _words(self.step_label, language).format(n=value, max=high) if self.step_label else None
            if self.option_labels:
                shown = _words({lang: labels[value] for lang, labels in self.option_labels.items()}, language)
            else:
                shown = self.step_symbol or str(value)
            steps.append(Option(value=value, shown=shown, hidden_label=hidden))
        return steps


REGISTRY: dict[str, QuestionType] = {t.name: t for t in (
    QuestionType("nps", AnswerKind.SCORE, 0, 10, metric="nps", one_click=True,
                 end_labels={"en": ("Not at all likely", "Extremely likely"),
                             "ko": ("전혀 추천하지 않음", "매우 추천함")},
                 titles={"en": "Net Promoter Score (NPS)", "ko": "순추천지수(NPS)"}),
    QuestionType("csat", AnswerKind.SCORE, 1, 5, metric="csat", one_click=True,
                 end_labels={"en": ("Very dissatisfied", "Very satisfied"),
                             "ko": ("매우 불만족", "매우 만족")},
                 titles={"en": "Customer satisfaction (CSAT)", "ko": "고객 만족도(CSAT)"}),
    QuestionType("ces", AnswerKind.SCORE, 1, 7, metric="ces", one_click=True,
                 end_labels={"en": ("Very difficult", "Very easy"), "ko": ("매우 어려움", "매우 쉬움")},
                 titles={"en": "Customer effort (CES)", "ko": "고객 노력 점수(CES)"}),
    QuestionType("rating", AnswerKind.SCORE, 1, 5, adjustable=True, one_click=True, step_symbol="★",
                 step_label={"en": "{n} of {max} stars", "ko": "별 {max}개 중 {n}개"},
                 titles={"en": "Star rating", "ko": "별점"}),
    # stored as an answer (1 yes, 0 no), with no score metric and no one-click links
    QuestionType("yes_no", AnswerKind.SCORE, 0, 1,
                 option_labels={"en": {0: "No", 1: "Yes"}, "ko": {0: "아니요", 1: "예"}},
                 titles={"en": "Yes or no", "ko": "예/아니요"}),
    QuestionType("single_choice", AnswerKind.CHOICE, titles={"en": "One choice", "ko": "단일 선택"}),
    QuestionType("multi_choice", AnswerKind.CHOICES, titles={"en": "Several choices", "ko": "복수 선택"}),
    QuestionType("text", AnswerKind.TEXT, titles={"en": "Free text", "ko": "자유 응답"}),
)}

#: Every question type's name, in registry order (the contracts' ``OneOf``).
QUESTION_TYPES: tuple[str, ...] = tuple(REGISTRY)
#: Question type -> the score metric metrics computes from its answers.
SCORE_METRIC_OF: dict[str, str] = {name: t.metric for name, t in REGISTRY.items() if t.metric}
#: The score metrics, in registry order.
SCORE_METRICS: tuple[str, ...] = tuple(dict.fromkeys(SCORE_METRIC_OF.values()))


def question_type(name: object) -> QuestionType:
    """The registered type called ``name``; raises ``UnknownQuestionTypeError`` for any other."""
    found = REGISTRY.get(name) if isinstance(name, str) else None
    if found is None:
        raise UnknownQuestionTypeError(name)
    return found


def scale_of(question: Mapping[str, Any]) -> tuple[int, int] | None:
    """The (low, high) answer range of a question, None for types without a scale."""
    return question_type(question["type"]).scale_of(question)


def metric_scale(metric: str) -> tuple[int, int]:
    """The answer range of a score metric (the scale of the type it is computed from)."""
    for name, of in SCORE_METRIC_OF.items():
        if of == metric:
            scale = REGISTRY[name].scale()
            assert scale is not None  # a type with a metric has a scale (the contract test walks this)
            return scale
    raise KeyError(f"unknown score metric {metric!r}")
