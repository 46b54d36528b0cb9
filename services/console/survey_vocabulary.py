"""Words the survey pages show for the question registry's values (types, dimensions, drivers, statuses).

The registry (``shared.question_types``) and ``shared.statuses`` are the one source of what exists;
this module only names each value in the catalogue. A value without a label here is shown by its name
(and a test walks the registry so that never happens unnoticed).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.question_types import DIMENSIONS, DRIVERS, REGISTRY, QuestionType
from shared.statuses import SurveyStatus

DIMENSION_LABELS = {"sense": _l("Sense"), "feel": _l("Feel"), "think": _l("Think"), "act": _l("Act"),
                    "relate": _l("Relate")}
DRIVER_LABELS = {"people": _l("People"), "process": _l("Process"), "product": _l("Product")}
STATUS_LABELS = {SurveyStatus.DRAFT: _l("Draft"), SurveyStatus.PUBLISHED: _l("Published"),
                 SurveyStatus.ARCHIVED: _l("Archived")}
STATUS_TONES = {SurveyStatus.DRAFT: "warn", SurveyStatus.PUBLISHED: "good", SurveyStatus.ARCHIVED: "neutral"}


def type_label(name: str) -> str:
    """A question type's name in the page's language (the registry names each type in ko and en)."""
    kind = REGISTRY.get(name)
    return kind.title(str(get_locale())) if kind is not None else name


def type_summary(kind: QuestionType, language: str) -> str:
    """What a type asks, from the registry: its scale and end words, choices, or free text."""
    scale = kind.scale()
    if scale is not None:
        ends = kind.scale_labels(language)
        if kind.adjustable:
            text = _("%(low)d to %(high)d by default; the top can be changed", low=scale[0], high=scale[1])
        else:
            text = _("%(low)d to %(high)d", low=scale[0], high=scale[1])
        if ends:
            text += f" ({scale[0]} = {ends[0]}, {scale[1]} = {ends[1]})"
        elif kind.option_labels:
            text += " (" + ", ".join(option.shown for option in kind.options({}, language)) + ")"
        if kind.metric:
            text += " · " + _("counts towards %(metric)s", metric=kind.metric.upper())
        return text
    if kind.has_choices:
        return _("Customers pick several of your choices") if kind.answer == "choices" else \
            _("Customers pick one of your choices")
    return _("Customers write an answer in their own words")


def type_choices(language: str) -> list[dict[str, Any]]:
    """Every registered question type: value, label, summary, and which settings it has."""
    return [{"value": name, "label": type_label(name), "summary": type_summary(kind, language),
             "has_choices": kind.has_choices, "adjustable": kind.adjustable}
            for name, kind in REGISTRY.items()]


def dimension_choices() -> list[tuple[str, str]]:
    """(value, label) of the experience dimensions, in registry order."""
    return [(name, str(DIMENSION_LABELS.get(name, name))) for name in DIMENSIONS]


def driver_choices() -> list[tuple[str, str]]:
    """(value, label) of the drivers, in registry order."""
    return [(name, str(DRIVER_LABELS.get(name, name))) for name in DRIVERS]


def status_label(status: str) -> str:
    """A survey status in the page's language."""
    return str(STATUS_LABELS.get(status, status))  # type: ignore[call-overload]


def status_choices() -> list[tuple[str, str]]:
    """(value, label) of every survey status."""
    return [(str(status), status_label(status)) for status in SurveyStatus]


#: Languages named in the page's language (the builder's columns and its fallback notes).
LANGUAGE_NAMES = {"ko": _l("Korean"), "en": _l("English")}


def language_name(code: str) -> str:
    """A survey language in the page's language (its code when the console has no name for it)."""
    return str(LANGUAGE_NAMES.get(code, code))
