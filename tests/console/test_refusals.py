"""The services' validation refusals read in the person's language: the validation library's fixed
messages are translated with their numbers and choices; anything else is shown as the service wrote it."""

from __future__ import annotations

import pytest

from services.console.refusals import localized
from services.console.trigger_form import TriggerForm  # noqa: F401 - the module that uses it imports cleanly


@pytest.mark.parametrize("english, korean", [
    ("Missing data for required field.", "필수 항목입니다."),
    ("Must be greater than or equal to 1 and less than or equal to 720.", "1부터 720까지의 값을 입력하세요."),
    ("Must be greater than or equal to 0.", "0 이상을 입력하세요."),
    ("Length must be between 1 and 200.", "1~200자(또는 항목)로 입력하세요."),
    ("Must be one of: email, webhook, in_app.", "다음 중 하나를 고르세요: email, webhook, in_app."),
    ("Not a valid email address.", "올바른 이메일 주소를 입력하세요."),
])
def test_fixed_messages_are_translated_with_their_values(console, english, korean):
    with console.app.test_request_context(headers={"Accept-Language": "ko"}):
        assert localized(english) == korean
    with console.app.test_request_context(headers={"Accept-Language": "en"}):
        assert localized(english) != korean and localized(english)  # English reads as English


def test_a_message_of_the_service_s_own_is_shown_as_written(console):
    own = "a threshold rule needs a target"
    with console.app.test_request_context(headers={"Accept-Language": "ko"}):
        assert localized(own) == own
        assert localized("Must be one of:") == "Must be one of:"  # not the whole pattern: untouched
