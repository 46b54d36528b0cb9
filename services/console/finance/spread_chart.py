"""The chart of one customer's predictive spread: discounted spend over the horizon at each quantile of their
simulated futures (5 % ... 95 %), drawn with the house distribution spec (``shared.charts``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from services.console.dashboards.charting import number
from services.console.finance.charts import FinanceChart
from shared.charts import ChartRow, ChartText
from shared.charts.specs_levels import distribution_spec


def spread_chart(predictive: Mapping[str, Any] | None) -> FinanceChart | None:
    """Spend at each quantile of the customer's simulated futures; None without a predictive spread."""
    if not predictive or not predictive.get("value"):
        return None
    paths = int(predictive["paths"])
    rows = [ChartRow(key=f"q{quantile['level']}", label=f"{number(100 * quantile['level'], 0)}%",
                     value=round(float(quantile["value"]), 6), low=None, high=None, n=paths, faded=False)
            for quantile in predictive["value"]["quantiles"]]
    text = ChartText(x_title=_("Quantile of the simulated futures"),
                     y_title=_("Discounted spend over the horizon"), value=_("Spend"), interval=_("95% interval"),
                     n=_("simulated futures"), too_few="",
                     description=_("This customer's discounted spend over the horizon at each quantile of "
                                   "their simulated futures"))
    return FinanceChart(title=_("Future spend at each quantile of the simulated futures"),
                        spec=distribution_spec(rows, text, height=180), rows=rows, text=text,
                        label_heading=_("Quantile"), kind="spread", digits=2)
