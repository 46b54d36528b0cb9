"""Keyword extraction from single comments: Korean (Kiwi), English, mixed, degenerate input."""

import subprocess
import sys
import textwrap

import pytest

from services.metrics.voc.tokenize import MAX_TEXT_CHARS, fold_plural, keywords_of

KOREAN_EXAMPLE = "배송이 너무 느리고 포장이 엉망이었어요. 상담원은 친절했어요"


def test_korean_nouns_of_the_reference_sentence():
    assert keywords_of(KOREAN_EXAMPLE) == ["배송", "포장", "엉망", "상담원", "친절"]


def test_korean_explicit_lang_gives_the_same_nouns():
    assert keywords_of(KOREAN_EXAMPLE, lang="ko") == ["배송", "포장", "엉망", "상담원", "친절"]
    assert keywords_of(KOREAN_EXAMPLE, lang="ko-KR") == ["배송", "포장", "엉망", "상담원", "친절"]


def test_korean_predicates_add_dictionary_form_stems_in_place():
    assert keywords_of(KOREAN_EXAMPLE, predicates=True) == [
        "배송", "느리다", "포장", "엉망", "상담원", "친절",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("안 좋아요", ["안 좋다"]),
        ("좋지 않았어요", ["안 좋다"]),
        ("좋지 못했어요", ["못 좋다"]),
        ("못 받았어요", ["못 받다"]),
        ("가격이 비싸요", ["가격", "비싸다"]),
    ],
)
def test_korean_predicates_carry_their_negation(text, expected):
    assert keywords_of(text, predicates=True) == expected


def test_korean_predicates_are_off_by_default():
    assert keywords_of("안 좋아요") == []
    assert keywords_of("가격이 비싸요") == ["가격"]


def test_korean_negative_prefix_stays_on_its_noun():
    # "불친절" (unkind) must not be counted as "친절" (kind).
    assert keywords_of("불친절한 직원") == ["불친절", "직원"]
    assert keywords_of("재구매 의사 있음") == ["재구매", "의사"]


def test_korean_adjective_root_and_proper_noun():
    assert keywords_of("매장도 깨끗했어요") == ["매장", "깨끗"]
    assert keywords_of("쿠팡 로켓배송 최고") == ["쿠팡", "로켓", "배송", "최고"]


def test_korean_generic_nouns_are_stop_words():
    assert keywords_of("생각보다 괜찮아요") == []
    assert keywords_of("다음에도 이 정도면 구매할게요") == ["구매"]


def test_korean_keyword_counted_once_per_comment():
    assert keywords_of("배송 배송 배송이 문제예요. 배송!") == ["배송", "문제"]


def test_english_stop_words_removed_and_lower_cased():
    text = "The delivery was LATE and the driver was rude to me"
    assert keywords_of(text) == ["delivery", "late", "driver", "rude"]


def test_english_keeps_judgement_words():
    assert keywords_of("Great service, good price, bad app") == [
        "great", "service", "good", "price", "bad", "app",
    ]


def test_english_contractions_and_possessives():
    text = "I don't like the customer\u2019s attitude; we'll never return, it's awful"
    assert keywords_of(text) == ["like", "customer", "attitude", "return", "awful"]


def test_english_plurals_fold_and_count_once():
    text = "Deliveries delayed, boxes damaged, prices too high. The price! Refund refund REFUNDS"
    assert keywords_of(text) == [
        "delivery", "delayed", "box", "damaged", "price", "high", "refund",
    ]


@pytest.mark.parametrize(
    ("word", "singular"),
    [
        ("deliveries", "delivery"),
        ("replies", "reply"),
        ("cookies", "cookie"),
        ("boxes", "box"),
        ("watches", "watch"),
        ("dishes", "dish"),
        ("classes", "class"),
        ("delays", "delay"),
        ("prices", "price"),
        ("issues", "issue"),
        ("ties", "tie"),
        ("status", "status"),
        ("address", "address"),
        ("analysis", "analysis"),
        ("news", "news"),
        ("gas", "gas"),
        ("app", "app"),
    ],
)
def test_fold_plural(word, singular):
    assert fold_plural(word) == singular


def test_mixed_korean_english_in_text_order():
    text = "The app crashed 3 times, 배송은 빨랐어요 but customer service was great!"
    assert keywords_of(text) == [
        "app", "crashed", "time", "배송", "customer", "service", "great",
    ]


def test_lang_restricts_the_analyzers():
    text = "앱 crashed at login, 환불 please"
    assert keywords_of(text) == ["앱", "crashed", "login", "환불"]
    assert keywords_of(text, lang="en") == ["crashed", "login"]
    assert keywords_of(text, lang="ko") == ["앱", "환불"]
    assert keywords_of("late delivery", lang="EN_us") == ["late", "delivery"]


@pytest.mark.parametrize("lang", ["fr", "", "korean"])
def test_unsupported_lang_raises(lang):
    with pytest.raises(ValueError, match="lang"):
        keywords_of("late delivery", lang=lang)


def test_non_string_text_raises():
    with pytest.raises(ValueError, match="string"):
        keywords_of(None)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t \u3000", "👍😀🎉", "ㅠㅠㅠ ㅋㅋㅋ", "!!! ... ???", "123 456", "a I", "\x00\x01"],
)
def test_degenerate_comments_have_no_keywords(text):
    assert keywords_of(text) == []


def test_long_korean_text_is_cut_at_max_chars():
    head = "배송이 늦어요. "
    filler = "ㅋ" * (MAX_TEXT_CHARS - len(head) - len(" 포장") - 1)
    text = head + filler + " 포장 환불"
    assert len(head + filler + " 포장") < MAX_TEXT_CHARS < len(text)
    assert keywords_of(text) == ["배송", "포장"]


def test_long_english_text_is_cut_at_max_chars():
    text = "late " + "." * (MAX_TEXT_CHARS - 20) + " refund " + "." * 100 + " broken"
    assert keywords_of(text) == ["late", "refund"]


def test_very_long_comment_is_analysed_in_its_first_part_only():
    text = "환불 요청합니다 " * 200_000  # 1.8 million characters
    assert keywords_of(text) == ["환불", "요청"]


def _run_fresh(code: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.strip()


def test_english_only_work_never_imports_kiwi():
    out = _run_fresh(
        """
        import sys
        from services.metrics.voc.tokenize import keywords_of
        assert keywords_of("late delivery, rude driver") == ["late", "delivery", "rude", "driver"]
        assert keywords_of("👍 ok") == []
        print("kiwipiepy" in sys.modules)
        """
    )
    assert out == "False"


def test_kiwi_loads_once_when_many_threads_ask_at_once():
    out = _run_fresh(
        """
        import threading
        from services.metrics.voc import tokenize

        barrier = threading.Barrier(8)
        seen, results = [], []

        def work():
            barrier.wait()
            seen.append(tokenize.get_korean_analyzer())  # kept alive: ids stay distinct
            results.append(tokenize.keywords_of("포장이 엉망이었어요"))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(len(seen), len({id(analyzer) for analyzer in seen}), results.count(["포장", "엉망"]))
        """
    )
    assert out == "8 1 8"
