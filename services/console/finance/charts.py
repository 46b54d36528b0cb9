"""The finance charts as Vega-Lite specs (``shared.charts``): survival per cohort with its band, the sBG
projection past the data with its interval, and the holdout check's predicted against actual means."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from services.console.dashboards.charting import Chart, number, self_note
from shared.charts import ChartRow, ChartText, trend_spec
from shared.charts.rows import interval_text

FEW_AT_RISK = 30  # a Kaplan-Meier point on fewer customers at risk is drawn faded


@dataclass
class FinanceChart(Chart):
    """A chart whose table shows ``digits`` decimals (the holdout means need two)."""

    digits: int = 1

    def table(self) -> list[dict[str, str]]:
        """The chart's numbers, formatted for the person's language."""
        return [{"label": row.label, "series": row.series, "value": number(row.value, self.digits),
                 "interval": (f"{number(row.low, self.digits)} – {number(row.high, self.digits)}"
                              if row.low is not None else ""),
                 "n": number(row.n, 0), "note": self_note(row, self.text)} for row in self.rows]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * float(value), 6)


def _survival_text(description: str, *, n: str) -> ChartText:
    return ChartText(x_title=_("Months since the contract started"), y_title=_("Still subscribed (%)"),
                     value=_("Still subscribed (%)"), interval=_("95% interval"), n=n,
                     too_few=_("few customers"), description=description)


def survival_chart(cohorts: Iterable[tuple[str, Mapping[str, Any]]]) -> FinanceChart | None:
    """Each cohort's Kaplan-Meier curve with its log(-log) band, one coloured line per cohort (oldest first)."""
    rows = []
    for label, report in cohorts:
        for point in report["kaplan_meier"]:
            low, high = _percent(point["ci_low"]), _percent(point["ci_high"])
            rows.append(ChartRow(key=f"{label}:{point['period']}", label=str(point["period"]),
                                 value=_percent(point["survival"]), low=low, high=high, n=int(point["at_risk"]),
                                 faded=point["at_risk"] < FEW_AT_RISK, interval=interval_text(low, high),
                                 series=label))
    if not rows:
        return None
    text = _survival_text(_("Share of each cohort still subscribed, month by month, with 95% intervals"),
                          n=_("customers at risk"))
    return FinanceChart(title=_("Kaplan-Meier retention by cohort"), spec=_in_order(trend_spec(rows, text, y_domain=(0, 100)), rows),
                        rows=rows, text=text, label_heading=_("Month"), kind="survival")


def _in_order(spec: dict[str, Any], rows: list[ChartRow]) -> dict[str, Any]:
    """Colours and legend in the rows' order (oldest cohort first), not alphabetical ("Aug" before "Jul")."""
    domain = list(dict.fromkeys(row.series for row in rows))
    for layer in spec.get("layer", []):
        colour = layer.get("encoding", {}).get("color")
        if colour is not None and "field" in colour:
            colour["scale"] = {"domain": domain}
    return spec


def projection_chart(report: Mapping[str, Any]) -> FinanceChart | None:
    """The observed curve of every cohort together and the sBG projection, past the data, with its interval."""
    sbg = report.get("sbg")
    if not sbg:
        return None
    observed, projected = _("Observed (Kaplan-Meier)"), _("sBG projection")
    rows = []
    for point in report["kaplan_meier"]:
        low, high = _percent(point["ci_low"]), _percent(point["ci_high"])
        rows.append(ChartRow(key=f"km:{point['period']}", label=str(point["period"]), value=_percent(point["survival"]),
                             low=low, high=high, n=int(point["at_risk"]), faded=False,
                             interval=interval_text(low, high), series=observed))
    for point in sbg["projection"]:
        estimate = point["survival"]
        low, high = _percent(estimate["ci_low"]), _percent(estimate["ci_high"])
        rows.append(ChartRow(key=f"sbg:{point['period']}", label=str(point["period"]), value=_percent(estimate["value"]),
                             low=low, high=high, n=int(estimate["n"]), faded=False,
                             interval=interval_text(low, high), series=projected))
    text = _survival_text(_("Observed retention of all the cohorts together and the sBG projection past the "
                            "last observed month, with 95% intervals"), n=_("customers"))
    return FinanceChart(title=_("Retention projected with the sBG model"),
                        spec=_in_order(trend_spec(rows, text, y_domain=(0, 100)), rows), rows=rows, text=text,
                        label_heading=_("Month"), kind="projection")


def holdout_chart(check: Mapping[str, Any]) -> FinanceChart | None:
    """Mean holdout purchases per number of calibration repeat purchases: actual and predicted (FHL 2005, Fig. 4)."""
    actual, predicted = _("Actual"), _("Predicted (BG/NBD)")
    rows = []
    for name, field in ((actual, "actual_mean"), (predicted, "predicted_mean")):
        for group in check["groups"]:
            if group["customers"]:
                rows.append(ChartRow(key=f"{field}:{group['repeat_purchases']}", label=group["repeat_purchases"],
                                     value=round(float(group[field]), 6), low=None, high=None,
                                     n=int(group["customers"]), faded=False, series=name))
    if not rows:
        return None
    text = ChartText(x_title=_("Repeat purchases in the calibration period"),
                     y_title=_("Mean purchases in the holdout period"), value=_("Mean purchases"),
                     interval=_("95% interval"), n=_("customers"), too_few=_("few customers"),
                     description=_("Mean purchases in the holdout period, actual and predicted, by number of "
                                   "repeat purchases in the calibration period"))
    return FinanceChart(title=_("Calibration against holdout"), spec=_in_order(trend_spec(rows, text), rows), rows=rows,
                        text=text,
                        label_heading=_("Repeat purchases"), kind="holdout", digits=2)
