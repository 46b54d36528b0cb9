"""The invitation email's own words in Korean and English (the scale's end words belong to each
question type, in ``shared.question_types``; the survey's texts come from the survey)."""

from __future__ import annotations

EMAIL_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "Reminder",
        "reminder_note": "A reminder: you have not answered yet, and your answer still counts.",
        "open": "Open the survey",
        "click": "Tap a score to answer. It takes one tap; you can add more on the next page.",
        "why": "You receive this email because you are a customer of {brand}.",
        "unsubscribe": "Unsubscribe from surveys",
        "preheader_reminder": "Reminder: {text}",
    },
    "ko": {
        "reminder": "다시 알림",
        "reminder_note": "다시 알려 드립니다. 아직 응답하지 않으셨다면 지금도 의견을 남기실 수 있습니다.",
        "open": "설문 열기",
        "click": "점수를 한 번 누르면 응답됩니다. 다음 화면에서 의견을 더 남기실 수 있습니다.",
        "why": "{brand} 고객님께 보내 드리는 메일입니다.",
        "unsubscribe": "설문 메일 수신 거부",
        "preheader_reminder": "다시 알림: {text}",
    },
}


def email_text(language: str) -> dict[str, str]:
    """The email's words in the language (English when not translated)."""
    return EMAIL_TEXT.get(language.split("-")[0].lower(), EMAIL_TEXT["en"])

