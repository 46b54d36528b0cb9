"""Keywords of one free-text comment, Korean and English.

Korean runs through the Kiwi morphological analyzer (kiwipiepy); English through a regular
expression, a stop-word list and a small plural folding. A comment may mix both scripts.

Rules, in the order they apply:

1. The text is cut to its first ``MAX_TEXT_CHARS`` (5,000) characters. Survey comments are far
   shorter; the cut bounds the time one pathological answer can take.
2. Korean (only when the text holds a Hangul syllable): common and proper nouns (tags NNG, NNP) and
   adjective roots (XR, "깨끗" of "깨끗했어요"). A noun-prefix glued to its noun stays with it
   ("불친절", "재구매") so that "unkind" is not counted as "kind". Nouns in
   ``KOREAN_STOP_NOUNS`` are dropped. With ``predicates=True`` verb and adjective stems are added in
   dictionary form ("느리다" from "느리고"), prefixed with the negation when one governs them
   ("안 좋다" from "안 좋아요" or "좋지 않아요"; "못 받다").
3. English: lower-cased runs of Latin letters and digits starting with a letter, curly apostrophes
   made straight. A possessive "'s" is removed; other contractions ("don't", "we'll") are function
   words and dropped. Words of one letter and words in ``ENGLISH_STOP_WORDS`` are dropped. Plurals
   fold to the singular (see ``fold_plural``).
4. Each keyword is reported once per comment (document frequency), in order of first appearance.
"""

from __future__ import annotations

import os
import re
import threading
from typing import TYPE_CHECKING

from services.metrics.voc.stopwords import ENGLISH_STOP_WORDS, KOREAN_STOP_NOUNS, KOREAN_STOP_STEMS

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

MAX_TEXT_CHARS = 5_000

_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_ENGLISH_WORD = re.compile(r"[a-z][a-z0-9]*(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

_NOUN_TAGS = frozenset({"NNG", "NNP", "XR"})
_PREDICATE_TAGS = frozenset({"VV", "VA"})
_NEGATION_ADVERBS = frozenset({"안", "못"})

# Plural words that keep their "s" and "-ie" nouns whose plural is not "-y" + "ies".
_NO_FOLD = frozenset(
    "news series species lens gas bus plus yes ios chaos canvas atlas alias bias always "
    "whereas perhaps thanks".split()
)
_IE_NOUNS = frozenset("movie cookie calorie selfie hoodie smoothie freebie rookie brownie".split())

_LANGS = ("ko", "en")

_kiwi: Kiwi | None = None
_kiwi_pid: int | None = None
_kiwi_lock = threading.Lock()


def get_korean_analyzer() -> Kiwi:
    """Return this process's Kiwi analyzer, loading its model on first use (thread-safe).

    The model takes 1.5-2.5 s to load, so it is loaded once per process; call this at start-up to
    move that cost out of the first request. A process forked after loading builds its own.
    """
    global _kiwi, _kiwi_pid
    pid = os.getpid()
    kiwi = _kiwi
    if kiwi is not None and _kiwi_pid == pid:
        return kiwi
    with _kiwi_lock:
        if _kiwi is None or _kiwi_pid != pid:
            from kiwipiepy import Kiwi  # imported here: English-only work never pays for it

            analyzer = Kiwi()
            analyzer.tokenize("")  # Kiwi loads the model lazily; force it while holding the lock
            _kiwi, _kiwi_pid = analyzer, pid
        return _kiwi


def keywords_of(text: str, lang: str | None = None, *, predicates: bool = False) -> list[str]:
    """Return the distinct keywords of one comment, in order of first appearance.

    Parameters
    ----------
    text : str
        The free-text answer. Only its first ``MAX_TEXT_CHARS`` characters are read.
    lang : {None, "ko", "en"}, optional
        None detects per comment: Korean analysis runs when the text holds Hangul, English
        tokenizing always (it only ever matches Latin letters), so mixed text yields both.
        "ko" keeps only Korean keywords, "en" only English ones. Region subtags ("ko-KR",
        "en_US") are accepted.
    predicates : bool
        Also return Korean verb and adjective stems ("느리다", "안 좋다"). Nouns only by default.

    Returns
    -------
    list of str
        Keywords without repetition; empty for blank, emoji-only or punctuation-only text.

    Raises
    ------
    ValueError
        If ``lang`` is neither None nor Korean nor English, or ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    language = _normalize_lang(lang)
    text = text[:MAX_TEXT_CHARS]
    found: list[tuple[int, str]] = []
    if language in (None, "ko") and _HANGUL_SYLLABLE.search(text):
        found.extend(_korean_keywords(text, predicates))
    if language in (None, "en"):
        found.extend(_english_keywords(text))
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(keyword for _, keyword in found))


def fold_plural(word: str) -> str:
    """Return the singular of a lower-case English word by suffix rules (no dictionary).

    "deliveries" -> "delivery", "boxes" -> "box", "watches" -> "watch", "classes" -> "class",
    "delays" -> "delay", "cookies" -> "cookie". Words of three letters or fewer, words ending in
    "ss", "us" or "is", and a few listed words ("news", "series") stay as they are.
    """
    if len(word) <= 3 or word in _NO_FOLD or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-1] if word[:-1] in _IE_NOUNS else word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    return word[:-1]


def has_tokenizer(lang: str | None) -> bool:
    """Whether comments in ``lang`` (None: unknown, both tokenizers) can be split into keywords."""
    try:
        _normalize_lang(lang)
    except ValueError:
        return False
    return True


def _normalize_lang(lang: str | None) -> str | None:
    if lang is None:
        return None
    primary = re.split("[-_]", str(lang).strip().lower(), maxsplit=1)[0]
    if primary not in _LANGS:
        raise ValueError(f"lang must be None, 'ko' or 'en' (region subtags allowed), got {lang!r}")
    return primary


def _english_keywords(text: str) -> list[tuple[int, str]]:
    found = []
    for match in _ENGLISH_WORD.finditer(text.lower().translate(_APOSTROPHES)):
        word = match.group()
        if "'" in word:
            stem, _, suffix = word.partition("'")
            if suffix != "s":
                continue  # n't, 're, 'll, 've, 'd, 'm: function words
            word = stem
        if len(word) < 2 or word in ENGLISH_STOP_WORDS:
            continue
        word = fold_plural(word)
        if word not in ENGLISH_STOP_WORDS:
            found.append((match.start(), word))
    return found


def _korean_keywords(text: str, predicates: bool) -> list[tuple[int, str]]:
    tokens = get_korean_analyzer().tokenize(text)
    tags = [token.tag.split("-", 1)[0] for token in tokens]  # "VA-I" (irregular) -> "VA"
    found = []
    for i, token in enumerate(tokens):
        tag = tags[i]
        if tag in _NOUN_TAGS:
            if token.form in KOREAN_STOP_NOUNS or not _HANGUL_SYLLABLE.search(token.form):
                continue
            start, form = token.start, token.form
            previous = tokens[i - 1] if i else None
            if previous is not None and tags[i - 1] == "XPN" and previous.end == token.start:
                start, form = previous.start, previous.form + token.form
            found.append((start, form))
        elif predicates and tag in _PREDICATE_TAGS and token.form not in KOREAN_STOP_STEMS:
            negation = _negation_of(tokens, tags, i)
            keyword = f"{token.form}다" if negation is None else f"{negation} {token.form}다"
            found.append((token.start, keyword))
    return found


def _negation_of(tokens: list, tags: list[str], i: int) -> str | None:
    """Return "안" or "못" when a short ("안 좋아") or long ("좋지 않아") negation governs token i."""
    if i and tags[i - 1] == "MAG" and tokens[i - 1].form in _NEGATION_ADVERBS:
        return tokens[i - 1].form
    if i + 2 < len(tokens) and tokens[i + 1].form == "지":
        following = tokens[i + 2].form
        if following == "않" and tags[i + 2] == "VX":
            return "안"
        if following == "못하" or (following == "못" and tags[i + 2] == "MAG"):
            return "못"  # Kiwi splits "좋지 못했어요" as 좋/VA 지/EC 못/MAG 하/VV
    return None
