"""Top and rising keywords per group, and the example comments."""

import numpy as np
import pytest
from scipy import stats

from services.metrics.voc import CURRENT, PREVIOUS, Comment, analyze_keywords
from services.metrics.voc.rates import share_interval

# Detractor complaints; the keywords each phrase yields (nouns) are listed to read the tests.
PHRASES = {
    "delay": "배송이 너무 지연됐어요",  # 배송, 지연
    "price": "가격이 비싸요",  # 가격
    "agent": "상담원 연결이 어려워요",  # 상담원, 연결
    "app": "앱이 자꾸 멈춰요",  # 앱
    "refund": "환불이 늦어요",  # 환불
    "packing": "포장이 엉망이었어요",  # 포장, 엉망
}
STABLE_KEYWORDS = {"가격", "상담원", "연결", "앱", "환불", "포장", "엉망"}


def make_window(rng, n, counts, period, first_id, group="detractor"):
    """Comments where exactly counts[phrase] of the n comments contain that phrase."""
    members = {
        name: set(rng.choice(n, size=k, replace=False).tolist()) for name, k in counts.items()
    }
    comments = []
    for i in range(n):
        parts = [PHRASES[name] for name in PHRASES if i in members.get(name, ())]
        text = " ".join(parts) or "그냥 그래요"  # no keyword, still a comment
        comments.append(Comment(first_id + i, text, group, period))
    return comments


@pytest.fixture(scope="module")
def delay_surge():
    """400 detractor comments per window; "배송 지연" goes from 2 % to 15 %, the rest hold."""
    rng = np.random.default_rng(20240601)
    previous = make_window(
        rng, 400, {"delay": 8, "price": 80, "agent": 60, "app": 40, "refund": 32, "packing": 20},
        PREVIOUS, 0,
    )
    current = make_window(
        rng, 400, {"delay": 60, "price": 88, "agent": 54, "app": 46, "refund": 28, "packing": 24},
        CURRENT, 10_000,
    )
    return previous + current


def test_growing_complaint_is_rising_and_stable_ones_are_not(delay_surge):
    group = analyze_keywords(iter(delay_surge)).get_group("detractor")
    assert (group.n_comments, group.n_previous_comments) == (400, 400)
    assert {item.keyword for item in group.rising} == {"배송", "지연"}
    assert not STABLE_KEYWORDS & {item.keyword for item in group.rising}
    delay = next(item for item in group.rising if item.keyword == "지연")
    assert (delay.count, delay.previous_count) == (60, 8)
    assert delay.share == pytest.approx(0.15)
    assert delay.previous_share == pytest.approx(0.02)
    assert delay.ratio == pytest.approx((60.5 / 400.5) / (8.5 / 400.5))
    assert 3.0 < delay.ratio_ci_low < delay.ratio
    assert delay.p_value < 1e-8
    assert delay.q_value < 1e-8
    assert delay.z > 4


def test_top_keywords_by_count_with_share_and_previous_count(delay_surge):
    group = analyze_keywords(delay_surge, top_k=3).get_group("detractor")
    assert [(item.keyword, item.count, item.previous_count) for item in group.top] == [
        ("가격", 88, 80),
        ("배송", 60, 8),
        ("지연", 60, 8),  # ties by keyword
    ]
    price = group.top[0]
    assert price.share == pytest.approx(88 / 400)
    assert price.previous_share == pytest.approx(80 / 400)
    assert (price.share_ci_low, price.share_ci_high) == pytest.approx(share_interval(88, 400, 0.95))


def test_examples_are_bounded_current_and_shortest_informative_first(delay_surge):
    group = analyze_keywords(delay_surge, max_examples=2).get_group("detractor")
    current_ids = {c.comment_id for c in delay_surge if c.period == CURRENT}
    for item in group.top + group.rising:
        assert 1 <= len(item.examples) <= 2
        for example in item.examples:
            assert example.comment_id in current_ids
            assert item.keyword in example.text
    delay = next(item for item in group.rising if item.keyword == "지연")
    # "배송이 너무 지연됐어요" alone has two keywords: informative and the shortest text there is.
    assert delay.examples[0].text == PHRASES["delay"]
    assert len(delay.examples[1].text) > len(PHRASES["delay"])  # identical texts shown once


def test_uninformative_examples_only_fill_the_remaining_places():
    comments = [
        Comment(1, "환불", "detractor", CURRENT),
        Comment(2, "환불이 너무 느리고 상담원도 불친절했어요", "detractor", CURRENT),
        Comment(3, "환불 지연", "detractor", CURRENT),
    ]
    top = analyze_keywords(comments, max_examples=3).get_group("detractor").top
    refund = next(item for item in top if item.keyword == "환불")
    assert [example.comment_id for example in refund.examples] == [3, 2, 1]
    top = analyze_keywords(comments, max_examples=1).get_group("detractor").top
    assert [e.comment_id for e in next(i for i in top if i.keyword == "환불").examples] == [3]
    top = analyze_keywords(comments, max_examples=0).get_group("detractor").top
    assert all(item.examples == () for item in top)


def test_examples_stay_bounded_over_many_comments():
    comments = (
        Comment(i, f"refund {'x' * (i % 97)} late", "detractor", CURRENT) for i in range(20_000)
    )
    top = analyze_keywords(comments, max_examples=3).get_group("detractor").top
    refund = next(item for item in top if item.keyword == "refund")
    assert refund.count == 20_000
    assert [example.text for example in refund.examples] == [
        "refund  late", "refund x late", "refund xx late",
    ]
    assert [example.comment_id for example in refund.examples] == [0, 1, 2]


def test_single_mention_never_rises_even_without_a_minimum_count():
    previous = [Comment(i, "late delivery", "detractor", PREVIOUS) for i in range(200)]
    current = [Comment(1000 + i, "late delivery", "detractor", CURRENT) for i in range(199)]
    current.append(Comment(2000, "late delivery, broken hinge", "detractor", CURRENT))
    group = analyze_keywords(previous + current, min_count=1).get_group("detractor")
    assert group.rising == ()
    assert group.n_tested == 4  # late, delivery, broken, hinge


def test_few_new_mentions_are_not_tested_below_min_count():
    previous = [Comment(i, "late delivery", "d", PREVIOUS) for i in range(200)]
    current = [Comment(1000 + i, "late delivery", "d", CURRENT) for i in range(196)]
    current += [Comment(2000 + i, "late delivery hinge", "d", CURRENT) for i in range(4)]
    assert analyze_keywords(previous + current, min_count=5).get_group("d").n_tested == 2
    lenient = analyze_keywords(previous + current, min_count=4).get_group("d")
    assert lenient.n_tested == 3


def test_rising_is_about_shares_not_raw_counts():
    # The group doubles in size; every keyword doubles its count; no share moves.
    def text(i):
        return "late delivery" if i % 2 else "rude agent"

    previous = [Comment(i, text(i), "d", PREVIOUS) for i in range(300)]
    current = [Comment(i, text(i), "d", CURRENT) for i in range(600)]
    group = analyze_keywords(previous + current).get_group("d")
    assert group.n_tested == 4
    assert group.rising == ()


def test_large_supported_rise_ranks_above_thin_ones():
    def window(period, counts, first_id):
        texts = [word for word, k in counts.items() for _ in range(k)]
        texts += ["ok"] * (600 - len(texts))  # "ok" is a stop word: comments without keywords
        return [Comment(first_id + i, text, "d", period) for i, text in enumerate(texts)]

    comments = window(PREVIOUS, {"crash": 10, "price": 100, "login": 0}, 0)
    comments += window(CURRENT, {"crash": 60, "price": 150, "login": 6}, 10_000)
    rising = analyze_keywords(comments, min_count=5).get_group("d").rising
    assert [item.keyword for item in rising] == ["crash", "price", "login"]
    crash, price, login = rising
    # Six mentions from none: the largest point ratio, yet last, below its lower bound's rivals.
    assert login.ratio > crash.ratio > price.ratio
    assert crash.ratio_ci_low > price.ratio_ci_low > login.ratio_ci_low
    assert login.p_value == pytest.approx(stats.hypergeom.sf(5, 1200, 6, 600))


def test_without_previous_window_nothing_rises():
    comments = [Comment(i, "late delivery", "d", CURRENT) for i in range(50)]
    group = analyze_keywords(comments).get_group("d")
    assert group.rising == ()
    assert group.n_tested == 0
    assert group.top[0].previous_share is None
    assert group.n_previous_comments == 0


def test_blank_comments_are_skipped_and_emoji_only_ones_counted():
    comments = [
        Comment(1, "", "d", CURRENT),
        Comment(2, "   \n", "d", CURRENT),
        Comment(3, None, "d", CURRENT),
        Comment(4, "👍👍", "d", CURRENT),
        Comment(5, "late delivery", "d", CURRENT),
    ]
    group = analyze_keywords(comments).get_group("d")
    assert group.n_comments == 2
    assert [(item.keyword, item.share) for item in group.top] == [("delivery", 0.5), ("late", 0.5)]


def test_groups_in_requested_order_including_empty_ones():
    comments = [
        Comment(1, "great app", "promoter", CURRENT),
        Comment(2, "slow refund", "detractor", CURRENT),
    ]
    report = analyze_keywords(comments, groups=("detractor", "passive", "promoter"), min_comments=1)
    assert [group.group for group in report.groups] == ["detractor", "passive", "promoter"]
    passive = report.get_group("passive")
    assert (passive.n_comments, passive.top, passive.rising) == (0, (), ())
    assert passive.insufficient is True
    assert [item.keyword for item in report.get_group("detractor").top] == ["refund", "slow"]
    assert report.get_group("promoter").insufficient is False
    with pytest.raises(KeyError):
        report.get_group("nobody")


def test_touchpoint_and_class_as_one_group_key():
    comments = [
        Comment(1, "배송이 늦어요", ("delivery", "detractor"), CURRENT),
        Comment(2, "상담원이 친절해요", ("support", "promoter"), CURRENT),
        Comment(3, "상담원 연결이 안 돼요", ("support", "detractor"), CURRENT),
    ]
    report = analyze_keywords(comments)
    assert [group.group for group in report.groups] == [
        ("delivery", "detractor"), ("support", "promoter"), ("support", "detractor"),
    ]
    assert [i.keyword for i in report.get_group(("support", "detractor")).top] == ["상담원", "연결"]


def test_comment_outside_the_requested_groups_raises():
    with pytest.raises(ValueError, match="unknown group"):
        analyze_keywords([Comment(1, "late", "detractr", CURRENT)], groups=("detractor",))


def test_non_text_comment_raises():
    with pytest.raises(ValueError, match="text must be a string"):
        analyze_keywords([Comment(1, 42, "d", CURRENT)])


def test_bad_period_raises():
    with pytest.raises(ValueError, match="period"):
        analyze_keywords([Comment(1, "late", "d", "last_week")])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"top_k": 0},
        {"max_examples": -1},
        {"max_examples": 51},
        {"min_count": 0},
        {"alpha": 0.0},
        {"alpha": 1.5},
        {"confidence": 1.0},
        {"top_k": 2.5},
        {"max_rising": True},
    ],
)
def test_bad_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        analyze_keywords([], **kwargs)


def test_custom_tokenizer_receives_the_language_hint():
    calls = []

    def tokenizer(text, lang):
        calls.append(lang)
        return text.split()

    comments = [Comment(1, "a b a", "d", CURRENT, lang="en"), Comment(2, "b", "d", CURRENT)]
    top = analyze_keywords(comments, tokenizer=tokenizer).get_group("d").top
    assert calls == ["en", None]
    assert [(item.keyword, item.count) for item in top] == [("b", 2), ("a", 1)]
