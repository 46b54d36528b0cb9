"""The words of notices in the lead's language (Korean or English), and dates in the lead's time zone.

Every word a notice shows comes from here: a Korean notice holds no English word of ours (what
people typed, ids and keys such as a touchpoint's, stay as they are), and the reverse.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime, format_interval

from shared.question_types import SCORE_METRICS

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "firing": "Score drop", "repeat": "Still low", "resolved": "Recovered", "low_score": "Low score",
        "low_score_update": "Score changed", "digest": "Low scores", "test": "Test",
        "current": "This window", "baseline": "Baseline", "difference": "Difference", "target": "Target",
        "keywords": "Complaints that rose", "scope": "Watching", "all": "all responses",
        "customer": "Customer", "touchpoint": "Touchpoint", "survey": "Survey", "channel": "Channel",
        "question": "Question", "dimension": "Dimension", "driver": "Driver", "segment": "Segment",
        "comment": "Comment", "answers": "Answers", "answered": "Answered", "unsubscribe": "Unsubscribe",
        "open_alert": "Open the alert", "open_responses": "The responses of this window",
        "open_response": "Open the response", "open_customer": "The customer's journey",
        "answers_n": "answers", "chart_alt": "{metric} by week with its 95% interval; the alerted window marked",
        "why_sent": "You get this because you subscribed to “{name}”.",
        "test_note": "A test send: the numbers are made up.",
        "more": "and {n} more",
        "baseline_mark": "baseline", "alerted_mark": "alert",
        "headline_drop": "{subject} fell to {value}{in_period} (baseline {baseline}, difference {difference}, {p}).",
        "headline_repeat": "{subject} is still low: {value}{in_period} (baseline {baseline}, "
                           "difference {difference}, {p}).",
        "headline_threshold": "{subject} is {value}{in_period}, under the target {target} (upper bound {high}).",
        "headline_resolved": "{subject} recovered to {value}{in_period} (baseline {baseline}).",
        "headline_low": "{metric} {score} from customer {customer} at {touchpoint}{at_time}.",
        "headline_low_anonymous": "{metric} {score} at {touchpoint}{at_time}.",
        "headline_update": "A customer changed their {metric} from {old} to {score} ({touchpoint}{at_time}).",
        "headline_update_cleared": "A customer changed their {metric} from {old} to {score}: no longer low "
                                   "({touchpoint}{at_time}).",
        "headline_digest": "{count} low scores from {start} to {end}.",
        "no_touchpoint": "no touchpoint",
        "open_case": "Open the case", "playbook": "What to do", "case_due": "Due",
        "reminder_subject": "Overdue case {case}: {metric} {score} at {touchpoint}",
        "reminder_body": "The case {case} assigned to you passed its target time ({due}).",
    },
    "ko": {
        "firing": "점수 하락", "repeat": "계속 낮음", "resolved": "회복", "low_score": "낮은 점수",
        "low_score_update": "점수 정정", "digest": "낮은 점수 모음", "test": "테스트",
        "current": "이번 기간", "baseline": "기준", "difference": "차이", "target": "목표",
        "keywords": "늘어난 불만", "scope": "대상", "all": "전체 응답",
        "customer": "고객", "touchpoint": "접점", "survey": "설문", "channel": "채널",
        "question": "질문", "dimension": "차원", "driver": "동인", "segment": "세그먼트",
        "comment": "의견", "answers": "응답", "answered": "응답 시각", "unsubscribe": "수신 거부",
        "open_alert": "알림 열기", "open_responses": "이 기간의 응답 보기",
        "open_response": "응답 열기", "open_customer": "고객 여정 보기",
        "answers_n": "응답", "chart_alt": "주별 {metric}와 95% 구간, 알림이 난 기간 표시",
        "why_sent": "‘{name}’ 알림을 구독하셔서 보내 드립니다.",
        "test_note": "테스트 발송입니다. 숫자는 예시입니다.",
        "more": "외 {n}건",
        "baseline_mark": "기준", "alerted_mark": "알림",
        "headline_drop": "{subject}{ga} {period_}{value}{ro} 떨어졌습니다 (기준 {baseline}, 차이 {difference}, {p}).",
        "headline_repeat": "{subject}{ga} {period_}{value}{ro} 여전히 낮습니다 (기준 {baseline}, 차이 {difference}, {p}).",
        "headline_threshold": "{subject}{ga} {period_}{value}{ro} 목표 {target}보다 낮습니다 (상한 {high}).",
        "headline_resolved": "{subject}{ga} {period_}{value}{ro} 회복했습니다 (기준 {baseline}).",
        "headline_low": "{customer} 고객이 {touchpoint}에서 {metric} {score}점을 주었습니다{paren_time}.",
        "headline_low_anonymous": "{touchpoint}에서 {metric} {score}점 응답이 왔습니다{paren_time}.",
        "headline_update": "고객이 {metric} 점수를 {old}점에서 {score}점으로 바꿨습니다 ({touchpoint}{at_time}).",
        "headline_update_cleared": "고객이 {metric} 점수를 {old}점에서 {score}점으로 바꿔 더는 낮은 점수가 "
                                   "아닙니다 ({touchpoint}{at_time}).",
        "headline_digest": "{start}부터 {end}까지 낮은 점수 {count}건.",
        "no_touchpoint": "접점 없음",
        "open_case": "케이스 열기", "playbook": "대응 방법", "case_due": "처리 기한",
        "reminder_subject": "기한이 지난 케이스 {case}: {touchpoint} {metric} {score}점",
        "reminder_body": "담당하신 케이스 {case}의 처리 기한({due})이 지났습니다.",
    },
}
METRIC_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES",
                "volume": {"en": "Number of answers", "ko": "응답 수"}}
LANGUAGES = tuple(WORDS)
assert set(SCORE_METRICS) <= set(METRIC_NAMES)


def language_of(lang: str | None) -> str:
    """``ko`` or ``en`` (English for anything else)."""
    base = (lang or "en").split("-")[0].lower()
    return base if base in WORDS else "en"


def words_for(lang: str | None) -> dict[str, str]:
    """The word list of a language (English when unknown)."""
    return WORDS[language_of(lang)]


def metric_name(metric: str | None, lang: str | None) -> str:
    """``NPS``, ``CSAT``, ``CES``, or the count of answers in words."""
    name = METRIC_NAMES.get(metric or "", (metric or "").upper())
    return name[language_of(lang)] if isinstance(name, dict) else name


def zone(name: str | None) -> ZoneInfo:
    """The lead's zone (UTC when unknown)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def as_moment(value: Any) -> datetime | None:
    """An aware datetime from a notice field (ISO text or datetime); None when absent."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))


def day_range(start: Any, end: Any, lang: str | None, tz: str | None) -> str:
    """A window ``[start, end)`` as days in the lead's zone: ``11월 23일~29일``, ``Nov 23 – 29``."""
    begin, finish = as_moment(start), as_moment(end)
    if begin is None or finish is None:
        return ""
    local = zone(tz)
    first: date = begin.astimezone(local).date()
    last: date = (finish - timedelta(microseconds=1)).astimezone(local).date()
    return format_interval(first, max(first, last), "MMMd", locale=language_of(lang))


def day(moment: Any, lang: str | None, tz: str | None) -> str:
    """A day in the lead's zone: ``11월 23일``, ``Nov 23``."""
    value = as_moment(moment)
    if value is None:
        return ""
    pattern = "M월 d일" if language_of(lang) == "ko" else "MMM d"
    return format_datetime(value, pattern, tzinfo=zone(tz), locale=language_of(lang))


def time_of_day(moment: Any, lang: str | None, tz: str | None) -> str:
    """A date and time in the lead's zone, the zone named: ``12월 5일 09:14 Asia/Seoul``."""
    value = as_moment(moment)
    if value is None:
        return ""
    pattern = "M월 d일 HH:mm" if language_of(lang) == "ko" else "MMM d, HH:mm"
    return f"{format_datetime(value, pattern, tzinfo=zone(tz), locale=language_of(lang))} {zone(tz).key}"


# How the last character of a word is read in Korean: with a final consonant (받침) or without.
_LATIN_WITH_FINAL = set("LMNRlmnr")  # 엘, 엠, 엔, 알
_DIGITS_WITH_FINAL = set("013678")  # 영, 일, 삼, 육, 칠, 팔
_DIGITS_RIEUL = set("178")  # 일, 칠, 팔 end in ㄹ, which takes 로 like a vowel


def _final(word: str) -> str:
    """``none``, ``rieul`` or ``other``: the final consonant of the word's last readable character."""
    for char in reversed(word.strip()):
        if "가" <= char <= "힣":
            jong = (ord(char) - 0xAC00) % 28
            return "none" if jong == 0 else ("rieul" if jong == 8 else "other")
        if char.isdigit():
            return "rieul" if char in _DIGITS_RIEUL else ("other" if char in _DIGITS_WITH_FINAL else "none")
        if char.isascii() and char.isalpha():
            return ("rieul" if char in "Ll" else "other") if char in _LATIN_WITH_FINAL else "none"
    return "none"


def subject_particle(word: str) -> str:
    """이 or 가 after ``word`` (``CSAT가``, ``배송 NPS가``, ``만족도가``, ``응답 수가``)."""
    return "가" if _final(word) == "none" else "이"


def direction_particle(word: str) -> str:
    """로 or 으로 after ``word`` (``41.1로``, ``23으로``, ``-3.0으로``)."""
    return "으로" if _final(word) == "other" else "로"
