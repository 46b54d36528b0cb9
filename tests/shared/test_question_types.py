"""The question-type registry is the one definition: walk every type through its scale, its form
parsing, its labels, survey creation and the response contract, and find no copy of it elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marshmallow import ValidationError

from shared.contracts.responses import AnswerSchema
from shared.contracts.scores import METRICS
from shared.contracts.signals import SIGNAL_METRICS
from shared.contracts.surveys import QuestionSchema
from shared.question_types import (
    LABEL_LANGUAGES,
    QUESTION_TYPES,
    REGISTRY,
    SCORE_METRIC_OF,
    SCORE_METRICS,
    AnswerKind,
    FormError,
    UnknownQuestionTypeError,
    metric_scale,
    question_type,
    scale_of,
)

ROOT = Path(__file__).resolve().parents[2]
TEXT_LIMIT = 50
CHOICES = [{"key": "fast", "label": {"ko": "빠름", "en": "Fast"}},
           {"key": "kind", "label": {"ko": "친절", "en": "Kind"}}]


def question_of(name: str, **extra) -> dict:
    """A question of the type as survey creation accepts it."""
    question = {"key": f"q_{name}", "type": name, "text": {"ko": "질문", "en": "Question"}, **extra}
    if REGISTRY[name].has_choices:
        question["choices"] = CHOICES
    return question


def valid_and_invalid_form_values(name: str) -> tuple[list[str], list[list[str]]]:
    """One form value the type must accept, and several it must refuse (with an error)."""
    kind = REGISTRY[name]
    if kind.answer is AnswerKind.TEXT:
        return ["a fine answer"], [["x" * (TEXT_LIMIT + 1)]]
    if kind.answer is AnswerKind.CHOICES:
        return ["fast", "kind"], [["nope"], ["fast", "nope"]]
    if kind.answer is AnswerKind.CHOICE:
        return ["kind"], [["nope"]]
    low, high = kind.scale()
    # Unicode digits: str.isdigit() accepts them, the page must not (ASCII digits only)
    return [str(high)], [[str(high + 1)], [str(low - 1)], ["²"], ["①"], ["٣"], ["９"], ["1.0"], ["yes"]]


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_each_type_has_a_consistent_scale(name):
    kind = question_type(name)
    assert kind.name == name
    scale = kind.scale()
    if kind.is_score:
        low, high = scale
        assert 0 <= low < high <= 10  # the contracts carry scores of 0..10 (signals, scale_max)
        assert scale_of(question_of(name)) == scale
    else:
        assert scale is None and kind.options(question_of(name), "en") == []
    assert not (kind.adjustable and not kind.is_score)
    assert kind.metric is None or kind.is_score  # a score metric needs a scale


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_each_type_parses_a_valid_form_value_and_refuses_invalid_ones(name):
    kind, question = REGISTRY[name], question_of(name)
    valid, invalids = valid_and_invalid_form_values(name)
    reading = kind.read_form(question, valid, text_limit=TEXT_LIMIT)
    assert reading.error is None and reading.answer is not None
    for invalid in invalids:
        refused = kind.read_form(question, invalid, text_limit=TEXT_LIMIT)
        assert refused.error in (FormError.OUT_OF_RANGE, FormError.TOO_LONG), invalid
    assert kind.read_form(question, [], text_limit=TEXT_LIMIT).answer is None  # unanswered is not an error
    if kind.is_score:
        assert kind.parse_score(question, valid[0]) == int(valid[0])
        assert kind.parse_score(question, "²") is None and kind.parse_score(question, None) is None


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_each_type_builds_a_contract_item_the_response_contract_accepts(name):
    kind, question = REGISTRY[name], question_of(name, dimension="feel")
    valid, _ = valid_and_invalid_form_values(name)
    answer = kind.read_form(question, valid, text_limit=TEXT_LIMIT).answer
    item = kind.contract_item(question, answer)
    assert AnswerSchema().load(item)["type"] == name
    if kind.is_score:
        low, high = kind.scale()
        for outside in (low - 1, high + 1):
            with pytest.raises(ValidationError) as refused:
                AnswerSchema().load({**item, "value": outside})
            assert f"{low}..{high}" in str(refused.value.messages["value"])
    else:
        with pytest.raises(ValidationError):
            AnswerSchema().load({**item, "value": 1})


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_each_type_is_accepted_at_survey_creation(name):
    loaded = QuestionSchema().load(question_of(name))
    assert loaded["type"] == name
    if not REGISTRY[name].adjustable:
        with pytest.raises(ValidationError):
            QuestionSchema().load(question_of(name, scale_max=4))


@pytest.mark.parametrize("name", QUESTION_TYPES)
@pytest.mark.parametrize("language", LABEL_LANGUAGES)
def test_each_type_has_its_words_in_every_page_language(name, language):
    kind, question = REGISTRY[name], question_of(name)
    for texts in (kind.end_labels, kind.step_label, kind.option_labels):
        if texts:
            assert language in texts, f"{name} lacks {language} words"
    for labels in kind.option_labels.values():
        assert set(labels) == set(range(kind.scale()[0], kind.scale()[1] + 1))
    options = kind.options(question, language)
    if kind.is_score:
        low, high = kind.scale()
        assert [o.value for o in options] == list(range(low, high + 1))
        assert all(o.shown for o in options)
        if kind.end_labels:
            assert all(kind.scale_labels(language))
    assert kind.scale_labels("fr") == kind.scale_labels("en")  # an untranslated language reads English


def test_an_adjustable_scale_follows_the_question():
    rating = question_type("rating")
    assert rating.scale_of({"type": "rating", "scale_max": 7}) == (1, 7)
    assert rating.scale_of({"type": "rating"}) == rating.scale()
    assert [o.hidden_label for o in rating.options({"scale_max": 3}, "ko")] == \
        ["별 3개 중 1개", "별 3개 중 2개", "별 3개 중 3개"]


def test_an_unknown_type_fails_loudly_everywhere():
    with pytest.raises(UnknownQuestionTypeError, match="'likert'"):
        question_type("likert")
    with pytest.raises(UnknownQuestionTypeError):
        scale_of({"type": "likert"})
    with pytest.raises(ValidationError) as at_creation:
        QuestionSchema().load({"key": "q1", "type": "likert", "text": {"en": "?"}})
    assert "unknown question type 'likert'" in str(at_creation.value.messages["type"])
    with pytest.raises(ValidationError):
        AnswerSchema().load({"question_key": "q1", "type": "likert", "value": 3})


def test_score_metrics_come_from_the_registry():
    assert METRICS == SIGNAL_METRICS == SCORE_METRICS == ("nps", "csat", "ces")
    for name, metric in SCORE_METRIC_OF.items():
        assert metric_scale(metric) == REGISTRY[name].scale()
    with pytest.raises(KeyError):
        metric_scale("rating")


def test_no_module_keeps_its_own_copy_of_the_question_types():
    """A list of type names copied into a second module drifts; the registry is the only place."""
    # nps/csat/ces are also the metrics' names and "text" is a common word: the other names are telling
    telling = [name for name in QUESTION_TYPES if name not in SCORE_METRICS and name != "text"]
    names = "|".join(map(re.escape, telling))
    pattern = re.compile(rf"""["']({names})["']""")
    registry = ROOT / "shared" / "question_types.py"
    copies = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
              for folder in ("shared", "services") for path in sorted((ROOT / folder).rglob("*.py"))
              if path != registry
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if pattern.search(line)]
    assert copies == []
