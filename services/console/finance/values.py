"""CLV values as the finance pages show and export them: money in the fit's currency, intervals, rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from babel.numbers import format_currency
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from services.console.dashboards.charting import number

QUANTITIES = ("clv", "probability_alive", "expected_purchases", "expected_spend")
EXPORT_COLUMNS = (["customer_id", "segment", "repeat_purchases", "recency", "age", "mean_repeat_spend"]
                  + [f"{name}{suffix}" for name in QUANTITIES for suffix in ("", "_ci_low", "_ci_high")])


def amount(value: float | None, currency: str | None) -> str:
    """An amount in the fit's currency (or a plain number when the fit mixes none and names none)."""
    if value is None:
        return "–"
    if currency:
        return format_currency(value, currency, locale=get_locale())
    return number(value, 2)


def amount_interval(estimate: Mapping[str, Any] | None, currency: str | None) -> str:
    """``"₩1,200 – ₩3,400"``."""
    if not estimate or estimate.get("ci_low") is None:
        return ""
    return f"{amount(estimate['ci_low'], currency)} – {amount(estimate['ci_high'], currency)}"


def share(value: float | None) -> str:
    """A probability in percent, one decimal."""
    return "–" if value is None else f"{number(100 * value, 1)}%"


def share_interval(estimate: Mapping[str, Any] | None) -> str:
    """``"41.2% – 55.0%"``."""
    if not estimate or estimate.get("ci_low") is None:
        return ""
    return f"{share(estimate['ci_low'])} – {share(estimate['ci_high'])}"


def export_rows(customers: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """One spreadsheet row per customer, the columns of ``EXPORT_COLUMNS``."""
    for customer in customers:
        row = [customer["customer_id"], customer.get("segment") or "", customer.get("frequency"),
               customer.get("recency"), customer.get("age"), customer.get("monetary")]
        for name in QUANTITIES:
            estimate = customer.get(name) or {}
            row += [estimate.get("value"), estimate.get("ci_low"), estimate.get("ci_high")]
        yield row


def signed_by(value: float | None, digits: int) -> str:
    """A difference with its sign and ``digits`` decimals: "+0.12", "−0.35"."""
    if value is None:
        return "–"
    text = number(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


FIT_STATUS_LABELS = {"pending": _l("queued"), "running": _l("running"), "done": _l("done"), "failed": _l("failed")}
UNIT_LABELS = {"day": _l("days"), "week": _l("weeks"), "month": _l("months")}


def fit_status(status: str) -> str:
    """A fit's status in words."""
    return str(FIT_STATUS_LABELS.get(status, status))


def unit_label(unit: str) -> str:
    """A time unit in words (plural: "39 weeks")."""
    return str(UNIT_LABELS.get(unit, unit))


TEMPLATE_HELPERS = {"amount": amount, "amount_interval": amount_interval, "share": share,
                    "share_interval": share_interval, "signed_by": signed_by, "fit_status": fit_status,
                    "unit_label": unit_label}
