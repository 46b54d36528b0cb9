"""What never reaches a log: link tokens in paths, SQL parameters and the row values a database echoes.

Framework-free (standard library only) so that the gunicorn configuration can use it before any
app is imported. The app's JSON formatter and gunicorn's loggers both pass their text through
``redact``.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# The segment after /r/ and /unsubscribe/ is a bearer credential (a working answer or unsubscribe link).
_TOKEN_SEGMENT = re.compile(r"(/(?:r|unsubscribe)/(?:preview/)?)[^/\s?#\"']+")  # /r/preview/<token>: previews
# SQLAlchemy's "[parameters: ...]" (engines hide them; this catches any other source) and the
# "DETAIL:  Key (column)=(value) ..." and "Failing row contains (...)" that PostgreSQL adds to
# constraint errors.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]\n?(?=\(Background|\Z|\n)", re.DOTALL)
_KEY_DETAIL = re.compile(r"(Key \([^)]*\))=\((?:[^()]|\([^()]*\))*\)")
_FAILING_ROW = re.compile(r"(Failing row contains )\(.*\)", re.MULTILINE)  # PostgreSQL, NOT NULL / CHECK


def redact_path(path: str) -> str:
    """``/r/<token>`` and ``/unsubscribe/<token>`` with the token replaced by ``[redacted]``."""
    return _TOKEN_SEGMENT.sub(lambda m: m.group(1) + REDACTED, path)


def redact(text: str) -> str:
    """A log text without link tokens, SQL parameters or the values of a violated key."""
    text = _TOKEN_SEGMENT.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SQL_PARAMETERS.sub(f"[parameters: {REDACTED}]\n", text)
    text = _FAILING_ROW.sub(lambda m: f"{m.group(1)}({REDACTED})", text)
    return _KEY_DETAIL.sub(lambda m: f"{m.group(1)}=({REDACTED})", text)


class RedactingFilter(logging.Filter):
    """A logging filter that formats a record's message once and redacts it (for gunicorn's loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True
