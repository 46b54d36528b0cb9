"""Stop words for keyword extraction, English and Korean.

The lists are written for survey comments: they drop function words and filler, and keep the
words that carry a topic or a judgement ("late", "rude", "great", "refund"), because a CX team
reads polarity from those words together with the promoter / detractor split.
"""

from __future__ import annotations

# English function words, auxiliaries, pronouns, quantifiers and filler adverbs. Negations
# ("not", "no", "never") are here too: on their own they are not a topic.
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against ago all almost along already also although always am among
    an and another any anybody anyone anything anyway anywhere are around as at away
    be became because become been before being below besides between both but by
    can cannot could
    did do does doing done down during
    each either else enough etc even ever every everybody everyone everything everywhere
    few for from further
    get gets getting got gotten
    had has have having he her here hers herself him himself his how however
    i if in into is it its itself
    just
    last least less let lot lots
    made make makes many may me might mine more most much must my myself
    neither never next no nobody none nor not nothing now
    of off often ok okay on once one only onto or other others otherwise our ours ourselves out
    over own
    per perhaps please pretty
    quite
    rather really
    said same say says see seem seemed seems several shall she should since so some somebody
    someone something sometimes somewhat somewhere still such sure
    than that the their theirs them themselves then there therefore these they thing things this
    those though through thru thus till to today too toward towards
    under until up upon us use used using
    very via
    was way we well went were what whatever when whenever where wherever whether which while who
    whoever whole whom whose why will with within without would
    yes yet you your yours yourself yourselves
    """.split()
)

# Korean nouns (NNG) that appear in almost any comment and name no topic: time and position words,
# "thought", "degree", "part". Bound nouns (것, 수, 거) are excluded by their tag already.
KOREAN_STOP_NOUNS: frozenset[str] = frozenset(
    """
    경우 내 느낌 다음 등 때 번 부분 생각 이번 전 점 정도 중 후 뒤 앞 간 하나 자체 관련 이상 이하
    """.split()
)

# Korean verb / adjective stems too generic to be a keyword (do, become, be, seem, see, give, go,
# come, put) and the demonstrative adjectives ("be so", "be like this").
KOREAN_STOP_STEMS: frozenset[str] = frozenset(
    """
    하 되 있 같 그렇 이렇 저렇 어떻 보 주 가 오 두 싶 않 말 알
    """.split()
)
