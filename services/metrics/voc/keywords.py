"""Voice of the customer: the most frequent and the fastest-rising keywords per group.

One pass over the comments (any iterable, a generator of database rows included) fills, per group,
two counters (comments mentioning each keyword in the current and in the previous window) and a
bounded set of example comments per keyword. Nothing else of the comments is kept.

A group is any hashable label: an NPS class ("detractor"), a CSAT class ("unsatisfied"), or a
tuple such as ``("checkout", "detractor")`` to cover several touchpoints or segments in one pass.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import count

import numpy as np

from services.metrics.voc.rates import benjamini_hochberg, rise_test, share_interval
from services.metrics.voc.results import (
    ExampleComment,
    GroupKeywords,
    KeywordCount,
    KeywordReport,
    RisingKeyword,
)
from services.metrics.voc.tokenize import MAX_TEXT_CHARS, keywords_of

CURRENT = "current"
PREVIOUS = "previous"
_PERIODS = (CURRENT, PREVIOUS)

Tokenizer = Callable[[str, "str | None"], Iterable[str]]


@dataclass(frozen=True)
class Comment:
    """One free-text answer to analyse.

    Attributes
    ----------
    comment_id : Hashable
        The caller's id (a response id), returned with the examples.
    text : str or None
        The free text; None or blank text is skipped and not counted.
    group : Hashable
        Group label, e.g. "detractor", or ``(touchpoint, "detractor")``.
    period : {"current", "previous"}
        The window the answer belongs to.
    lang : str, optional
        Language hint for the tokenizer ("ko", "en"); None detects it.
    """

    comment_id: Hashable
    text: str | None
    group: Hashable
    period: str
    lang: str | None = None


class _GroupTally:
    """Counters and bounded example heaps of one group, filled comment by comment."""

    __slots__ = ("mentions", "n_comments", "examples")

    def __init__(self) -> None:
        self.mentions = {CURRENT: Counter(), PREVIOUS: Counter()}
        self.n_comments = {CURRENT: 0, PREVIOUS: 0}
        # keyword -> heap of (-uninformative, -length, -sequence, comment_id, text); heap[0] is the
        # worst kept example, so a better one replaces it in O(log N).
        self.examples: dict[str, list[tuple]] = {}

    def add(
        self, period: str, keywords: list[str], comment_id, text: str, seq: int, limit: int
    ) -> None:
        self.n_comments[period] += 1
        self.mentions[period].update(keywords)
        if period != CURRENT or limit == 0:
            return
        item_key = (-int(len(keywords) < 2), -len(text), -seq)
        for keyword in keywords:
            heap = self.examples.setdefault(keyword, [])
            if any(kept[4] == text for kept in heap):
                continue  # the same text twice (templated answers) is one example
            item = (*item_key, comment_id, text)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item[:3] > heap[0][:3]:
                heapq.heapreplace(heap, item)

    def examples_of(self, keyword: str) -> tuple[ExampleComment, ...]:
        kept = sorted(self.examples.get(keyword, ()), key=lambda item: item[:3], reverse=True)
        return tuple(ExampleComment(comment_id=item[3], text=item[4]) for item in kept)


def analyze_keywords(
    comments: Iterable[Comment],
    *,
    groups: Sequence[Hashable] | None = None,
    top_k: int = 10,
    max_rising: int = 10,
    max_examples: int = 3,
    min_count: int = 5,
    alpha: float = 0.05,
    confidence: float = 0.95,
    min_comments: int = 30,
    tokenizer: Tokenizer = keywords_of,
) -> KeywordReport:
    """Return the top and the rising keywords of each group, with counts and example comments.

    Parameters
    ----------
    comments : iterable of Comment
        Read once; may be a generator. Any object with the attributes of `Comment` works.
    groups : sequence of hashable, optional
        The groups to report, in this order, including those without comments; a comment in
        another group raises ``ValueError``. By default, the groups seen, in order of first sight.
    top_k : int
        Keywords per group in ``top``, by comments mentioning them in the current window.
    max_rising : int
        At most this many keywords per group in ``rising``.
    max_examples : int
        Example comments kept per keyword (0-50), from the current window: the shortest
        informative ones (two keywords or more) first, then the shortest others; among equal
        lengths the one seen first. Feed comments newest first to prefer recent ones.
    min_count : int
        A keyword is tested for a rise only when at least this many current comments mention it.
    alpha : float
        False-discovery rate: a keyword rises when its Benjamini-Hochberg q-value (over the
        keywords of its group that reach ``min_count``) is at most ``alpha``.
    confidence : float
        Level of the share intervals (two-sided) and of the ratio's lower bound (one-sided).
    min_comments : int
        Groups with fewer current comments are returned, flagged ``insufficient``.
    tokenizer : callable, optional
        ``tokenizer(text, lang)`` returning keywords; `keywords_of` by default. Pass
        ``functools.partial(keywords_of, predicates=True)`` for Korean verb and adjective stems.

    Returns
    -------
    KeywordReport

    Notes
    -----
    Counts are document frequencies: a comment mentioning "배송" three times counts once, and a
    share is the fraction of the group's non-blank comments in that window. Rising keywords are
    those whose share grew with a one-sided Fisher exact p-value surviving Benjamini-Hochberg at
    ``alpha``; they are ranked by the lower confidence bound of the share ratio, which puts a large
    and well-supported rise first and keeps a keyword seen a handful of times from topping the list.
    See `services.metrics.voc.rates.rise_test`.
    """
    _check_parameters(top_k, max_rising, max_examples, min_count, alpha, confidence, min_comments)
    tallies: dict[Hashable, _GroupTally] = {}
    if groups is not None:
        tallies = {group: _GroupTally() for group in groups}
    sequence = count()
    for comment in comments:
        if comment.period not in _PERIODS:
            raise ValueError(f"period must be 'current' or 'previous', got {comment.period!r}")
        tally = tallies.get(comment.group)
        if tally is None:
            if groups is not None:
                raise ValueError(
                    f"comment {comment.comment_id!r} is in unknown group {comment.group!r}"
                )
            tally = tallies[comment.group] = _GroupTally()
        text = comment.text
        if text is not None and not isinstance(text, str):
            raise ValueError(f"comment {comment.comment_id!r}: text must be a string or None")
        if text is None or not text.strip():
            continue
        text = text.strip()[:MAX_TEXT_CHARS]
        keywords = list(dict.fromkeys(tokenizer(text, getattr(comment, "lang", None))))
        tally.add(comment.period, keywords, comment.comment_id, text, next(sequence), max_examples)
    return KeywordReport(
        groups=tuple(
            _summarize(group, tally, top_k, max_rising, min_count, alpha, confidence, min_comments)
            for group, tally in tallies.items()
        ),
        confidence=confidence,
        alpha=alpha,
        min_count=min_count,
    )


def keyword_report_from_counts(
    group: Hashable,
    *,
    mentions: dict[str, Counter],
    n_comments: dict[str, int],
    examples: dict[str, list[tuple[Hashable, str]]] | None = None,
    top_k: int = 10,
    max_rising: int = 10,
    max_examples: int = 3,
    min_count: int = 5,
    alpha: float = 0.05,
    confidence: float = 0.95,
    min_comments: int = 30,
) -> KeywordReport:
    """`analyze_keywords` of one group from counts made elsewhere (in SQL, say), with the same results.

    ``mentions[period]`` counts the comments mentioning each keyword and ``n_comments[period]`` the
    non-blank comments of each window (``"current"``, ``"previous"``); ``examples[keyword]`` lists
    ``(comment_id, text)`` of distinct current-window texts, best first by `analyze_keywords`' rule.
    """
    _check_parameters(top_k, max_rising, max_examples, min_count, alpha, confidence, min_comments)
    tally = _GroupTally()
    tally.mentions = {period: Counter(mentions.get(period, {})) for period in _PERIODS}
    tally.n_comments = {period: int(n_comments.get(period, 0)) for period in _PERIODS}
    # heap items whose sort key is the given rank, so examples_of returns them in that order
    tally.examples = {keyword: [(0, 0, -rank, comment_id, text) for rank, (comment_id, text)
                                in enumerate(rows[:max_examples])]
                      for keyword, rows in (examples or {}).items()}
    return KeywordReport(
        groups=(_summarize(group, tally, top_k, max_rising, min_count, alpha, confidence, min_comments),),
        confidence=confidence,
        alpha=alpha,
        min_count=min_count,
    )


def _summarize(
    group, tally: _GroupTally, top_k, max_rising, min_count, alpha, confidence, min_comments
) -> GroupKeywords:
    n1, n0 = tally.n_comments[CURRENT], tally.n_comments[PREVIOUS]
    current, previous = tally.mentions[CURRENT], tally.mentions[PREVIOUS]
    ranked = sorted(current.items(), key=lambda item: (-item[1], item[0]))[:top_k]
    top = []
    for keyword, mentions in ranked:
        low, high = share_interval(mentions, n1, confidence)
        top.append(
            KeywordCount(
                keyword=keyword,
                count=mentions,
                share=mentions / n1,
                share_ci_low=low,
                share_ci_high=high,
                previous_count=previous.get(keyword, 0),
                previous_share=previous.get(keyword, 0) / n0 if n0 else None,
                examples=tally.examples_of(keyword),
            )
        )
    candidates = sorted(keyword for keyword, mentions in current.items() if mentions >= min_count)
    rising: list[RisingKeyword] = []
    if n0 and candidates:
        x1 = np.array([current[keyword] for keyword in candidates])
        x0 = np.array([previous.get(keyword, 0) for keyword in candidates])
        test = rise_test(x1, n1, x0, n0, confidence)
        q_values = benjamini_hochberg(test.p_value)
        for i in np.flatnonzero((q_values <= alpha) & (x1 * n0 > x0 * n1)):
            keyword = candidates[i]
            rising.append(
                RisingKeyword(
                    keyword=keyword,
                    count=int(x1[i]),
                    previous_count=int(x0[i]),
                    share=float(x1[i] / n1),
                    previous_share=float(x0[i] / n0),
                    ratio=float(test.ratio[i]),
                    ratio_ci_low=float(test.ratio_ci_low[i]),
                    z=float(test.z[i]),
                    p_value=float(test.p_value[i]),
                    q_value=float(q_values[i]),
                    examples=tally.examples_of(keyword),
                )
            )
        rising.sort(key=lambda item: (-item.ratio_ci_low, -item.z, item.keyword))
    return GroupKeywords(
        group=group,
        n_comments=n1,
        n_previous_comments=n0,
        insufficient=n1 < min_comments,
        top=tuple(top),
        rising=tuple(rising[:max_rising]),
        n_tested=len(candidates) if n0 else 0,
    )


def _check_parameters(top_k, max_rising, max_examples, min_count, alpha, confidence, min_comments):
    for name, value, low in (
        ("top_k", top_k, 1),
        ("max_rising", max_rising, 0),
        ("max_examples", max_examples, 0),
        ("min_count", min_count, 1),
        ("min_comments", min_comments, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if max_examples > 50:
        raise ValueError(f"max_examples must be at most 50, got {max_examples!r}")
    for name, value in (("alpha", alpha), ("confidence", confidence)):
        if not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
