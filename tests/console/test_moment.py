"""A date and time as the console writes it in a sentence: the day as the language writes it, the time
on the 24-hour clock, in the person's time zone, with the zone named."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from services.console.trigger_decisions import moment


@pytest.mark.parametrize(("language", "zone", "expected"), [
    ("en", "Asia/Seoul", "Dec 5 12:04 Asia/Seoul"),
    ("ko", "Asia/Seoul", "12월 5일 12:04 Asia/Seoul"),
    ("en", "America/New_York", "Dec 4 22:04 America/New_York"),
    ("ko", "UTC", "12월 5일 03:04 UTC"),
])
def test_moment_in_the_persons_language_and_zone(console, language, zone, expected, monkeypatch):
    app = console.app
    monkeypatch.setitem(app.config, "DEFAULT_TIME_ZONE", zone)  # nobody signed in: the console's zone
    with app.test_request_context(), force_locale(language):
        assert moment(datetime(2026, 12, 5, 3, 4, tzinfo=timezone.utc)) == expected
        assert moment(datetime(2026, 12, 5, 3, 4)) == expected  # a naive time is UTC
        assert moment(None) == ""
