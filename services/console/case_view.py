"""A close-the-loop case as people read it: its status, outcome, history and times in words, in the
person's language; its answers with their question labels; the playbook's instruction in their language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from babel.dates import format_timedelta
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from shared.contracts.cases import CaseEventKind, CaseOutcome, CaseView
from shared.statuses import CaseStatus

STATUS_LABELS = {CaseStatus.OPEN: _l("Open"), CaseStatus.ACKNOWLEDGED: _l("Acknowledged"),
                 CaseStatus.RESOLVED: _l("Resolved")}
STATUS_TONES = {CaseStatus.OPEN: "bad", CaseStatus.ACKNOWLEDGED: "warn", CaseStatus.RESOLVED: "good"}
OUTCOME_LABELS = {CaseOutcome.RESOLVED: _l("Resolved"), CaseOutcome.UNREACHABLE: _l("Could not reach the customer"),
                  CaseOutcome.NO_ACTION: _l("No action needed")}
VIEW_LABELS = {CaseView.MINE: _l("Mine"), CaseView.TEAM: _l("My team's"), CaseView.UNASSIGNED: _l("Unassigned"),
               CaseView.OVERDUE: _l("Overdue"), CaseView.ALL: _l("All")}
#: The status filter of the list (``CASE_STATUS_FILTERS``): "active" is open or acknowledged.
STATUS_FILTER_LABELS = {"active": _l("Not resolved"), **STATUS_LABELS}
HISTORY_LABELS = {CaseEventKind.OPENED: _l("Case opened"), CaseEventKind.ACKNOWLEDGED: _l("Acknowledged"),
                  CaseEventKind.ASSIGNED: _l("Assigned"), CaseEventKind.NOTED: _l("Note"),
                  CaseEventKind.RESOLVED: _l("Resolved"), CaseEventKind.REOPENED: _l("Reopened"),
                  CaseEventKind.REMINDED: _l("Overdue reminder sent")}


def label(labels: Mapping[str, Any], key: str | None) -> str:
    """A stored value in words (the value itself when it is not known here)."""
    if key is None:
        return ""
    found = labels.get(key)
    return str(found) if found is not None else key


def status_tone(case: Mapping[str, Any]) -> str:
    """The badge tone of a case: overdue reads as bad whatever its status."""
    if case.get("overdue") and case.get("status") != "resolved":
        return "bad"
    return STATUS_TONES.get(case.get("status") or "", "neutral")


def span(seconds: float | None) -> str:
    """A length of time in the person's language (``3 hours``, ``2 days``); empty for None."""
    if seconds is None:
        return ""
    return format_timedelta(timedelta(seconds=max(seconds, 0)), threshold=1.5, locale=get_locale())


def instruction(playbook: Mapping[str, Any] | None, language: str) -> str:
    """The playbook's instruction in ``language``, else in the other language; empty without a playbook."""
    texts = (playbook or {}).get("instruction") or {}
    return texts.get(language) or next((text for text in texts.values() if text), "")


def answer_rows(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each answer with its question's text and its choices' labels, as the customer saw them."""
    rows = []
    for answer in case.get("answers") or []:
        if answer.get("value_label"):
            shown = answer["value_label"]
        elif answer.get("text") is not None:
            shown = answer["text"]
        elif answer.get("choices"):
            shown = ", ".join(answer["choices"])
        else:
            shown = answer.get("value")
        rows.append({"key": answer.get("question_key"), "type": answer.get("type"),
                     "question": answer.get("question") or answer.get("question_key"), "value": shown,
                     "scale_max": None if answer.get("value_label") else answer.get("scale_max")})
    return rows


def segment_text(segment: str | None) -> str:
    """A playbook's segment as ``attribute:value`` (empty for every customer)."""
    return segment or ""
