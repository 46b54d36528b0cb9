"""The finance pages' forms: a CLV refit (POST, CSRF) and the holdout check (GET: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import InputRequired

from services.console.forms import ConsoleForm
from services.console.widgets import SelectField
from shared.contracts.finance import TIME_UNITS

REQUIRED = _l("Enter a date as YYYY-MM-DD.")


def _time_units() -> list[tuple[str, str]]:
    labels = {"day": _l("Days"), "week": _l("Weeks"), "month": _l("Months")}
    return [(unit, str(labels[unit])) for unit in TIME_UNITS]


class RefitForm(ConsoleForm):
    """``POST /finance/clv/refit``: fit BG/NBD and Gamma-Gamma on purchases up to a day."""

    as_of = DateField(_l("Purchases up to"), validators=[InputRequired(REQUIRED)])
    time_unit = SelectField(_l("Time unit"), choices=_time_units, default="week")


class HoldoutForm(ConsoleForm):
    """``GET /finance/clv/holdout``: fit on a calibration period, check on the holdout period after it."""

    class Meta:
        csrf = False  # a read: the check stores nothing, and its address can be shared

    calibration_end = DateField(_l("Calibration period ends"), validators=[InputRequired(REQUIRED)])
    holdout_end = DateField(_l("Holdout period ends"), validators=[InputRequired(REQUIRED)])
    time_unit = SelectField(_l("Time unit"), choices=_time_units, default="week")
