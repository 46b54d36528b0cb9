"""Keyword counts of the low-score comments of an explained cell, made in SQL: nothing but counts shipped.

One statement reads the cell's low-score comments once (newest first, at most ``MAX_COMMENTS``, as the
VOC analysis does) and returns, per window, the number of comments, the comments mentioning each
stored keyword, the best example candidates of each keyword (distinct texts, informative and short
first, newest first among equals), and the few comments stored without keywords, which are tokenized
here. A second, join-free statement counts all the comments of each window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, String, and_, case, cast, func, literal, null, select, true, union_all
from sqlalchemy.orm import Session

from services.metrics.models.responses import ResponseComment
from services.metrics.scores.keywords import MAX_COMMENTS
from services.metrics.voc.keywords import CURRENT, PREVIOUS
from services.metrics.voc.tokenize import MAX_TEXT_CHARS, keywords_of


@dataclass
class LowKeywordCounts:
    """Counts per window (``"current"`` / ``"previous"``) and example candidates per keyword."""

    n_low: dict[str, int] = field(default_factory=lambda: {CURRENT: 0, PREVIOUS: 0})
    mentions: dict[str, Counter] = field(default_factory=lambda: {CURRENT: Counter(), PREVIOUS: Counter()})
    # keyword -> [(uninformative, length, -answered_at timestamp, response_id, text)]
    candidates: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    truncated: bool = False

    def examples(self, limit: int) -> dict[str, list[tuple[str, str]]]:
        """``{keyword: [(response_id, text)]}``: the best ``limit`` distinct texts of each keyword."""
        chosen: dict[str, list[tuple[str, str]]] = {}
        for keyword, rows in self.candidates.items():
            picked: list[tuple[str, str]] = []
            for *_key, response_id, text in sorted(rows, key=lambda row: row[:3]):
                if len(picked) == limit:
                    break
                if all(text != kept for _, kept in picked):
                    picked.append((str(response_id), text))
            chosen[keyword] = picked
        return chosen


def _elements(column, postgres: bool):
    """The keywords of a JSON array column as a table joinable beside its row."""
    if postgres:
        return func.json_array_elements_text(column).table_valued("value").lateral("kw")
    return func.json_each(column).table_valued("value", name="kw")


def low_keyword_counts(session: Session, *, in_range: list, low_answer, current: tuple[datetime, datetime],
                       baseline: tuple[datetime, datetime], max_examples: int) -> LowKeywordCounts:
    """Counts of the low-score comments in ``current`` and ``baseline`` (see the module docstring)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    newest = (select(ResponseComment.id, ResponseComment.response_id, ResponseComment.text,
                     ResponseComment.keywords, ResponseComment.answered_at)
              .where(*in_range, low_answer).order_by(ResponseComment.answered_at.desc())
              .limit(MAX_COMMENTS).cte("newest"))
    in_window = ~and_(newest.c.answered_at >= baseline[1], newest.c.answered_at < current[0])
    period = case((newest.c.answered_at >= current[0], literal(CURRENT)), else_=literal(PREVIOUS))
    size = func.json_array_length(newest.c.keywords)
    length = func.length(newest.c.text)
    length = case((length > MAX_TEXT_CHARS, MAX_TEXT_CHARS), else_=length)
    kw = _elements(newest.c.keywords, postgres)
    text_null, int_null = cast(null(), String), cast(null(), Integer)
    moment_null = cast(null(), ResponseComment.answered_at.type)
    blank = [text_null, text_null, moment_null, int_null, int_null, int_null]
    # a text's best comment is its newest (its keywords, so its length and informativeness, are the text's):
    # rank the distinct texts of each keyword, then find the newest comment of the chosen ones
    per_text = (select(kw.c.value.label("keyword"), newest.c.text, func.max(newest.c.answered_at).label("newest_at"),
                       func.min(cast(size < 2, Integer)).label("uninformative"), func.min(length).label("length"))
                .select_from(newest).join(kw, true())
                .where(newest.c.answered_at >= current[0], size > 0).group_by(kw.c.value, newest.c.text).subquery())
    ranked = (select(per_text, func.row_number().over(
                  partition_by=per_text.c.keyword,
                  order_by=(per_text.c.uninformative, per_text.c.length, per_text.c.newest_at.desc())).label("rank"))
              .subquery())
    best = (select(ranked.c.keyword, newest.c.response_id, ranked.c.text, ranked.c.newest_at, ranked.c.uninformative,
                   ranked.c.length)
            .join(newest, and_(newest.c.text == ranked.c.text, newest.c.answered_at == ranked.c.newest_at))
            .where(ranked.c.rank <= max_examples).subquery())
    statement = union_all(
        select(literal("all"), text_null, text_null, func.count(), *blank).select_from(newest),
        select(literal("n"), period, text_null, func.count(), *blank).where(in_window).group_by(period),
        # stored keywords are distinct within a comment (keywords_of): a row per mention is a comment
        select(literal("k"), period, cast(kw.c.value, String), func.count(), *blank)
        .select_from(newest).join(kw, true()).where(in_window, size > 0).group_by(period, kw.c.value),
        select(literal("e"), text_null, cast(best.c.keyword, String), int_null, best.c.response_id, best.c.text,
               best.c.newest_at, best.c.uninformative, best.c.length, int_null),
        select(literal("f"), period, text_null, int_null, newest.c.response_id, newest.c.text, newest.c.answered_at,
               int_null, int_null, int_null).where(in_window, func.coalesce(size, 0) == 0))
    found = LowKeywordCounts()
    for kind, window, keyword, count, response_id, text, answered_at, uninformative, text_length, _ in \
            session.connection().execute(statement):
        if kind == "all":
            found.truncated = count >= MAX_COMMENTS
        elif kind == "n":
            found.n_low[window] = count
        elif kind == "k":
            found.mentions[window][keyword] = count
        elif kind == "e":
            found.candidates[keyword].append((bool(uninformative), text_length, -_timestamp(answered_at),
                                              response_id, text))
        else:  # stored without keywords (a language without a tokenizer): tokenized here, as before
            words = keywords_of(text, None)
            found.mentions[window].update(words)
            if window == CURRENT:
                for word in words:
                    found.candidates[word].append((len(words) < 2, min(len(text), MAX_TEXT_CHARS),
                                                   -_timestamp(answered_at), response_id, text))
    return found


def _timestamp(moment) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else datetime.fromisoformat(str(moment)).timestamp()


def window_totals(session: Session, *, in_range: list, current: tuple[datetime, datetime],
                  baseline: tuple[datetime, datetime]) -> dict[str, int]:
    """All the comments of each window (no join: the low ones are subtracted by the caller)."""
    moment = ResponseComment.answered_at
    period = case((moment >= current[0], literal(CURRENT)), else_=literal(PREVIOUS))
    query = (select(period, func.count()).where(*in_range, ~and_(moment >= baseline[1], moment < current[0]))
             .group_by(period))
    totals = {CURRENT: 0, PREVIOUS: 0}
    totals.update({window: int(count) for window, count in session.execute(query)})
    return totals
