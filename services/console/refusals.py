"""The services' refusals in the reader's language.

The services answer in English (the API's language); the messages their validation library writes
are few and fixed, so the console translates those, with their numbers and choices, and shows any
other message as the service wrote it. One table, used wherever a page shows a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_Translate = Callable[[re.Match[str]], str]

_PATTERNS: list[tuple[re.Pattern[str], _Translate]] = [
    (re.compile(r"Missing data for required field\."), lambda m: _("This field is required.")),
    (re.compile(r"Field may not be null\."), lambda m: _("This field cannot be empty.")),
    (re.compile(r"Unknown field\."), lambda m: _("This field is not accepted here.")),
    (re.compile(r"Not a valid integer\."), lambda m: _("Enter a whole number.")),
    (re.compile(r"Not a valid number\."), lambda m: _("Enter a number.")),
    (re.compile(r"Not a valid string\."), lambda m: _("Enter text.")),
    (re.compile(r"Not a valid boolean\."), lambda m: _("Choose yes or no.")),
    (re.compile(r"Not a valid email address\."), lambda m: _("Enter a valid email address.")),
    (re.compile(r"Not a valid URL\."), lambda m: _("Enter a valid web address (https://...).")),
    (re.compile(r"Not a valid (?:datetime|date)\."), lambda m: _("Enter a valid date.")),
    (re.compile(r"Not a valid list\."), lambda m: _("Enter a list of values.")),
    (re.compile(r"Must be greater than or equal to (?P<low>\S+) and less than or equal to (?P<high>\S+)\."),
     lambda m: _("Enter a value from %(low)s to %(high)s.", low=m["low"], high=m["high"])),
    (re.compile(r"Must be greater than or equal to (?P<low>\S+)\."),
     lambda m: _("Enter %(low)s or more.", low=m["low"])),
    (re.compile(r"Must be less than or equal to (?P<high>\S+)\."),
     lambda m: _("Enter %(high)s or less.", high=m["high"])),
    (re.compile(r"Length must be between (?P<low>\d+) and (?P<high>\d+)\."),
     lambda m: _("Use %(low)s to %(high)s characters (or items).", low=m["low"], high=m["high"])),
    (re.compile(r"Shorter than minimum length (?P<low>\d+)\."),
     lambda m: _("Use at least %(low)s characters (or items).", low=m["low"])),
    (re.compile(r"Longer than maximum length (?P<high>\d+)\."),
     lambda m: _("Use at most %(high)s characters (or items).", high=m["high"])),
    (re.compile(r"Must be one of: (?P<choices>.+)\."), lambda m: _("Choose one of: %(choices)s.", choices=m["choices"])),
    (re.compile(r"String does not match expected pattern\."), lambda m: _("This is not in the expected form.")),
    (re.compile(r"Invalid input type\."), lambda m: _("This value has the wrong type.")),
]


def localized(message: str) -> str:
    """``message`` in the reader's language when it is one of the validation library's, else as written."""
    text = message.strip()
    for pattern, translate in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return translate(found)
    return message
