"""Voice of the customer: keywords of free-text answers (pure Python, numpy, scipy, kiwipiepy).

No Flask, SQLAlchemy or marshmallow here; the ``GET /v1/voc/keywords`` endpoint streams comments
from its query into `analyze_keywords` and dumps the returned dataclasses.
"""

from services.metrics.voc.groups import CSAT_GROUPS, NPS_GROUPS, csat_group, nps_group
from services.metrics.voc.keywords import CURRENT, PREVIOUS, Comment, analyze_keywords
from services.metrics.voc.results import (
    ExampleComment,
    GroupKeywords,
    KeywordCount,
    KeywordReport,
    RisingKeyword,
)
from services.metrics.voc.tokenize import (
    MAX_TEXT_CHARS,
    fold_plural,
    get_korean_analyzer,
    keywords_of,
)

__all__ = [
    "CSAT_GROUPS",
    "CURRENT",
    "MAX_TEXT_CHARS",
    "NPS_GROUPS",
    "PREVIOUS",
    "Comment",
    "ExampleComment",
    "GroupKeywords",
    "KeywordCount",
    "KeywordReport",
    "RisingKeyword",
    "analyze_keywords",
    "csat_group",
    "fold_plural",
    "get_korean_analyzer",
    "keywords_of",
    "nps_group",
]
