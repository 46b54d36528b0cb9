"""The dashboards' words and number formats in the person's language (template globals)."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.console.dashboards.charting import metric_label, number

RANGE_LABELS = {"last_7": _l("Last 7 days"), "last_30": _l("Last 30 days"), "last_90": _l("Last 90 days"),
                "this_month": _l("This month"), "last_month": _l("Last month"),
                "this_quarter": _l("This quarter"), "this_year": _l("This year"), "custom": _l("Custom (from – to)")}
PROBLEMS = {"range": _l("That period is not one of the choices; the last 30 days are shown."),
            "custom": _l("A custom period needs a start and an end date, start first, at most three years "
                         "apart; the last 30 days are shown."),
            "segment": _l("A segment looks like attribute:value (for example region:Seoul); the others were "
                          "left out."),
            "touchpoint": _l("That touchpoint name is not valid and was left out."),
            "channel": _l("That channel name is not valid and was left out."),
            "survey": _l("That survey is not valid and was left out."),
            "group": _l("Group by a listed grouping or a customer attribute name (letters, digits, _ and -); "
                        "that grouping was left out.")}


def range_choices() -> list[tuple[str, str]]:
    """The date presets of the filter bar."""
    return [(value, str(label)) for value, label in RANGE_LABELS.items()]


def filter_problem(name: str) -> str:
    """Why a filter value was left out."""
    return str(PROBLEMS.get(name, _l("A filter value was not valid and was left out.")))


def signed(value: float | None) -> str:
    """A change with its sign: "+3.1", "−38.6"."""
    if value is None:
        return "–"
    text = number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def pvalue(value: float | None) -> str:
    """A p-value as people read it: "< 0.001" or three decimals."""
    if value is None:
        return "–"
    if value < 0.001:
        return "< " + format_decimal(0.001, format="0.000")
    return format_decimal(value, format="0.000")


TEMPLATE_GLOBALS = {"range_choices": range_choices, "filter_problem": filter_problem, "signed": signed,
                    "pvalue": pvalue, "number": number}


def duration(seconds: float) -> str:
    """A time to complete in words: "2 min 30 s" or "45 s"."""
    whole = int(round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s", minutes=minutes, seconds=rest)
    return _("%(seconds)d s", seconds=rest)


TEMPLATE_GLOBALS["duration"] = duration
TEMPLATE_GLOBALS["metric_name"] = metric_label
