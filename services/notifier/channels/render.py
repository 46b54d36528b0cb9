"""Notice text in the subscriber's language (English and Korean)."""

from __future__ import annotations

from typing import Any

from shared.contracts.fields import one_line

WORDS = {
    "en": {"firing": "Score drop", "repeat": "Still low", "resolved": "Resolved", "low_score": "Low score",
           "low_score_update": "Low score changed", "digest": "Low-score digest", "test": "Test alert",
           "current": "Current", "baseline": "Baseline",
           "difference": "Difference", "keywords": "Rising complaint keywords", "data": "Data",
           "customer": "Customer", "comment": "Comment", "answers": "Answers", "unsubscribe": "Unsubscribe",
           "scope": "Scope", "all": "all responses", "why": "Why"},
    "ko": {"firing": "점수 하락", "repeat": "계속 낮음", "resolved": "회복", "low_score": "낮은 점수",
           "low_score_update": "낮은 점수 정정", "digest": "낮은 점수 모음", "test": "테스트 알림",
           "current": "현재", "baseline": "기준",
           "difference": "차이", "keywords": "늘어난 불만 키워드", "data": "데이터", "customer": "고객",
           "comment": "의견", "answers": "응답", "unsubscribe": "수신 거부", "scope": "범위",
           "all": "전체 응답", "why": "근거"},
}


def words_for(lang: str | None) -> dict[str, str]:
    """The word list of a language (English when unknown)."""
    return WORDS.get((lang or "en").split("-")[0], WORDS["en"])


def _number(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}"


def estimate_line(label: str, estimate: dict[str, Any] | None) -> str:
    """``Current: 21.3 [15.0, 27.4], n = 200``."""
    if not estimate:
        return f"{label}: -"
    return (f"{label}: {_number(estimate.get('value'))} [{_number(estimate.get('ci_low'))}, "
            f"{_number(estimate.get('ci_high'))}], n = {estimate.get('n')}")


def scope_text(notice: dict[str, Any], words: dict[str, str]) -> str:
    """The filters and group of the notice, readable."""
    parts = [f"{k}={','.join(map(str, v))}" for k, v in (notice.get("scope") or {}).items()
             if v and k != "group_by"]
    parts += [f"{k}={v}" for k, v in (notice.get("group") or {}).items()]
    return "; ".join(parts) or words["all"]


def subject(notice: dict[str, Any], lang: str | None) -> str:
    """A one-line summary (line breaks in scope values, reasons or older names become spaces)."""
    words = words_for(lang)
    metric = (notice.get("metric") or "").upper()
    head = f"[cxloop] {words.get(notice['kind'], notice['kind'])}: {notice.get('subscription_name', '')}"
    if notice.get("current") and notice["kind"] in ("firing", "repeat", "resolved", "test"):
        return one_line(f"{head} — {metric} {_number(notice['current'].get('value'))} ({scope_text(notice, words)})")
    return one_line(f"{head} — {metric} ({notice.get('reason') or ''})")


def body_lines(notice: dict[str, Any], lang: str | None) -> list[str]:
    """The text of a notice, one line each."""
    words = words_for(lang)
    lines = [subject(notice, lang), "", f"{words['scope']}: {scope_text(notice, words)}"]
    window = notice.get("window") or {}
    if window.get("from"):
        lines.append(f"{window.get('from')} — {window.get('to')}")
    if notice.get("current") is not None:
        lines += [estimate_line(words["current"], notice.get("current")),
                  estimate_line(words["baseline"], notice.get("baseline")),
                  estimate_line(words["difference"], notice.get("difference"))]
        if notice.get("p_value") is not None:
            lines.append(f"p = {notice['p_value']:.4f}")
    if notice.get("reason"):
        lines.append(f"{words['why']}: {notice['reason']}")
    if notice.get("keywords"):
        lines.append(f"{words['keywords']}: {', '.join(notice['keywords'])}")
    for item in notice.get("signals") or []:
        lines += ["", f"{(notice.get('metric') or '').upper()} {item.get('score')} — "
                      f"{words['customer']}: {item.get('customer_id') or '-'} ({item.get('touchpoint') or '-'})"]
        if item.get("comment"):
            lines.append(f"{words['comment']}: {item['comment']}")
        answers = [f"{a.get('question_key')}={a.get('value') if a.get('value') is not None else a.get('text')}"
                   for a in item.get("answers") or []]
        if answers:
            lines.append(f"{words['answers']}: {'; '.join(answers)}")
        if item.get("link"):
            lines.append(item["link"])
    if notice.get("link"):
        lines += ["", f"{words['data']}: {notice['link']}"]
    return lines
