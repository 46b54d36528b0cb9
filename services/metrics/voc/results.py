"""Frozen result types of the keyword analysis."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExampleComment:
    """A comment shown as an example of a keyword."""

    comment_id: Hashable
    text: str


@dataclass(frozen=True)
class KeywordCount:
    """A frequent keyword of a group in the current window.

    Attributes
    ----------
    keyword : str
    count : int
        Current-window comments of the group that mention it.
    share : float
        ``count`` over the group's current comments.
    share_ci_low, share_ci_high : float
        Wilson interval of ``share`` at the report's confidence.
    previous_count : int
        Previous-window comments of the group that mention it.
    previous_share : float or None
        Its share in the previous window; None when that window has no comments.
    examples : tuple of ExampleComment
        Current-window comments mentioning it, best example first.
    """

    keyword: str
    count: int
    share: float
    share_ci_low: float
    share_ci_high: float
    previous_count: int
    previous_share: float | None
    examples: tuple[ExampleComment, ...]


@dataclass(frozen=True)
class RisingKeyword:
    """A keyword whose share of a group's comments rose significantly from the previous window.

    Attributes
    ----------
    keyword : str
    count, previous_count : int
        Comments mentioning it in the current and in the previous window.
    share, previous_share : float
        Those counts over the group's comments in each window.
    ratio : float
        Continuity-corrected share ratio, current over previous (finite when it was never seen).
    ratio_ci_low : float
        One-sided lower confidence bound of ``ratio``; the ranking key.
    z : float
        Log ratio over its standard error.
    p_value : float
        One-sided Fisher exact p-value.
    q_value : float
        Benjamini-Hochberg adjusted p-value over the keywords tested in the group.
    examples : tuple of ExampleComment
        Current-window comments mentioning it, best example first.
    """

    keyword: str
    count: int
    previous_count: int
    share: float
    previous_share: float
    ratio: float
    ratio_ci_low: float
    z: float
    p_value: float
    q_value: float
    examples: tuple[ExampleComment, ...]


@dataclass(frozen=True)
class GroupKeywords:
    """Top and rising keywords of one group.

    Attributes
    ----------
    group : Hashable
        The group label as given with the comments.
    n_comments, n_previous_comments : int
        Non-blank comments of the group in the current and in the previous window.
    insufficient : bool
        True when ``n_comments`` is below the requested minimum; results are still given.
    top : tuple of KeywordCount
        Most mentioned keywords of the current window, by count then alphabetically.
    rising : tuple of RisingKeyword
        Significantly rising keywords, by ``ratio_ci_low`` descending; empty without a previous
        window.
    n_tested : int
        Keywords that reached the minimum count and were tested for a rise.
    """

    group: Hashable
    n_comments: int
    n_previous_comments: int
    insufficient: bool
    top: tuple[KeywordCount, ...]
    rising: tuple[RisingKeyword, ...]
    n_tested: int


@dataclass(frozen=True)
class KeywordReport:
    """Keywords of every group, with the settings that produced them."""

    groups: tuple[GroupKeywords, ...]
    confidence: float
    alpha: float
    min_count: int
    method: str = "document frequency; rise: one-sided Fisher exact, Benjamini-Hochberg"

    def get_group(self, group: Hashable) -> GroupKeywords:
        """Return the keywords of ``group``; raise ``KeyError`` when it is not in the report."""
        for result in self.groups:
            if result.group == group:
                return result
        raise KeyError(group)
