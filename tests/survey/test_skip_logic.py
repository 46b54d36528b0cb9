"""Skip logic as pure functions: conditions with the trigger operators, pages, and reading a page."""

from __future__ import annotations

from services.survey.responding.skip_logic import is_shown, page_breaks, read_page, shown_keys

NPS = {"key": "nps", "type": "nps", "required": True, "text": {"en": "?"}}
WRONG = {"key": "wrong", "type": "single_choice", "required": True, "text": {"en": "?"},
         "show_if": [{"question": "nps", "op": "lte", "value": 6}],
         "choices": [{"key": "late", "label": {"en": "Late"}}, {"key": "damaged", "label": {"en": "Damaged"}}]}
DAMAGE = {"key": "damage", "type": "text", "text": {"en": "?"},
          "show_if": [{"question": "wrong", "op": "eq", "value": "damaged"}]}
COMMENT = {"key": "comment", "type": "text", "text": {"en": "?"}}
QUESTIONS = [NPS, WRONG, DAMAGE, COMMENT]


def test_conditions_use_the_trigger_operators_and_missing_answers():
    assert is_shown(WRONG, {"nps": 6}) and not is_shown(WRONG, {"nps": 7}) and not is_shown(WRONG, {})
    unanswered = {**COMMENT, "show_if": [{"question": "nps", "op": "exists", "value": False}]}
    assert is_shown(unanswered, {}) and not is_shown(unanswered, {"nps": 3})
    assert not is_shown(WRONG, {"nps": "3"})  # a string is never compared with a number


def test_a_hidden_questions_answer_counts_as_missing_downstream():
    assert shown_keys(QUESTIONS, {"nps": 3, "wrong": "damaged"}) == ["nps", "wrong", "damage", "comment"]
    assert shown_keys(QUESTIONS, {"nps": 9, "wrong": "damaged"}) == ["nps", "comment"]


def test_pages_break_where_a_question_looks_at_its_own_page():
    assert [[q["key"] for q in page] for page in page_breaks(QUESTIONS)] == [["nps"], ["wrong"], ["damage", "comment"]]
    assert len(page_breaks([NPS, COMMENT])) == 1


def test_reading_pages_in_turn_skips_pages_with_nothing_to_show():
    first = read_page(QUESTIONS, {"page": ["0"], "q_nps": ["9"]}, stored={})
    assert first.next_page == 2 and first.answers == {"nps": 9} and not first.errors
    second = read_page(QUESTIONS, {"page": ["0"], "q_nps": ["4"]}, stored={})
    assert second.next_page == 1
    missing = read_page(QUESTIONS, {"page": ["1"]}, stored=second.answers)
    assert missing.errors == {"wrong": "required_missing"} and missing.next_page is None
    late = read_page(QUESTIONS, {"page": ["1"], "q_wrong": ["late"]}, stored=second.answers)
    assert late.next_page == 2 and late.answers == {"nps": 4, "wrong": "late"}
    done = read_page(QUESTIONS, {"page": ["2"], "q_damage": ["crushed"], "q_comment": ["ok"]}, stored=late.answers)
    assert done.next_page is None and done.answers == {"nps": 4, "wrong": "late", "comment": "ok"}
    assert done.shown == ["nps", "wrong", "comment"]


def test_a_forged_page_number_reads_the_whole_form():
    reading = read_page(QUESTIONS, {"page": ["99"], "q_nps": ["10"], "q_wrong": ["late"]}, stored={})
    assert reading.page is None and reading.answers == {"nps": 10} and reading.next_page is None
