"""Which language a customer sees, and the page's own words in Korean and English (the words of each
question type's scale live with the type, in ``shared.question_types``)."""

from __future__ import annotations

UI_LANGUAGES = ("ko", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "submit": "Submit", "next": "Next", "back": "Back", "required": "Required",
        "optional": "Optional", "required_missing": "Please answer this question.",
        "out_of_range": "Please choose one of the options.", "too_long": "Please shorten your answer to {limit} characters.",
        "errors_summary": "Some answers need your attention.",
        "thanks_title": "Thank you!", "thanks_body": "Your answers help us do better.",
        "answered_title": "Already answered", "answered_body": "This survey has already been answered. Thank you!",
        "neutral_title": "This survey is not available",
        "too_large_title": "Your answers are too long to send",
        "too_large_body": "Nothing was saved. Please go back, shorten each answer to {limit} characters and send it again.",
        "neutral_body": "The link may be mistyped, or the survey is no longer open. Thank you for your time.",
        "unsupported_title": "This survey cannot be shown",
        "unsupported_body": "The survey uses a kind of question this page does not know. Nothing was saved. "
                            "We have been told; please try the link again later.",
        "characters_left": "characters left", "continue": "Continue",
        "progress": "Question {i} of {n}", "recorded": "Thanks, we recorded your score of {score}.",
        "preview_banner": "Preview: this is how customers see the survey. Nothing you enter here is recorded.",
        "preview_checked": "Preview: these answers would be accepted. Nothing was recorded.",
    },
    "ko": {
        "submit": "제출", "next": "다음", "back": "이전", "required": "필수",
        "optional": "선택", "required_missing": "이 질문에 답해 주세요.",
        "out_of_range": "보기 중 하나를 골라 주세요.", "too_long": "답변을 {limit}자 이내로 줄여 주세요.",
        "errors_summary": "확인이 필요한 답변이 있습니다.",
        "thanks_title": "감사합니다!", "thanks_body": "소중한 의견은 더 나은 서비스를 만드는 데 쓰입니다.",
        "answered_title": "이미 응답하셨습니다", "answered_body": "이 설문에는 이미 응답하셨습니다. 감사합니다!",
        "neutral_title": "설문을 이용할 수 없습니다",
        "too_large_title": "답변이 너무 길어 보낼 수 없습니다",
        "too_large_body": "저장된 내용은 없습니다. 이전 화면으로 돌아가 답변을 각각 {limit}자 이내로 줄여 다시 보내 주세요.",
        "neutral_body": "링크가 잘못되었거나 설문이 종료되었습니다. 시간 내주셔서 감사합니다.",
        "unsupported_title": "설문을 표시할 수 없습니다",
        "unsupported_body": "이 페이지가 알지 못하는 유형의 질문이 설문에 있습니다. 저장된 내용은 없습니다. "
                            "담당자에게 알렸으니 나중에 다시 링크를 열어 주세요.",
        "characters_left": "자 남음", "continue": "계속하기",
        "progress": "{n}개 중 {i}번째 질문", "recorded": "{score}점을 기록했습니다. 감사합니다.",
        "preview_banner": "미리보기: 고객에게 보이는 설문 화면입니다. 여기서 입력한 내용은 기록되지 않습니다.",
        "preview_checked": "미리보기: 이 답변은 접수될 수 있는 답변입니다. 기록된 내용은 없습니다.",
    },
}


def messages_for(language: str | None) -> dict[str, str]:
    """The page's own words; English when the language has none."""
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return MESSAGES.get(base, MESSAGES["en"])
