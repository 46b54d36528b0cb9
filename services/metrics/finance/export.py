"""Flat tables of the finance reports (churn rates, retention, CLV segments), for ``Accept: text/csv``.

Each function takes the report exactly as the JSON reply is built and returns ``(columns, rows)`` for
``services.common.csv_reply.csv_response``, which makes the cells formula-safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ESTIMATE_PARTS = ("value", "ci_low", "ci_high", "n", "confidence", "method", "insufficient")
INTERVAL = ("value", "ci_low", "ci_high")


def _estimate(estimate: dict[str, Any] | None, parts: tuple[str, ...] = ESTIMATE_PARTS) -> list[Any]:
    return [None if estimate is None else estimate[part] for part in parts]


def churn_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per period and group: counts, the rate with its interval, and whether it is partial."""
    columns = ["period_start", "period_end", "group", "at_risk", "churned", "partial",
               *(f"rate_{part}" if part != "value" else "rate" for part in ESTIMATE_PARTS)]
    rows = ([row["period_start"].isoformat(), row["period_end"].isoformat(), row["group"], row["at_risk"],
             row["churned"], row["partial"], *_estimate(row["rate"])] for row in report["rates"])
    return columns, rows


def retention_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per period: the Kaplan-Meier point (observed periods) and the sBG projection beside it."""
    observed = {point["period"]: point for point in report["kaplan_meier"]}
    projected = {point["period"]: point for point in (report["sbg"] or {}).get("projection", [])}
    km_parts = ("at_risk", "churned", "censored", "survival", "ci_low", "ci_high")
    columns = ["period", *(f"km_{part}" for part in km_parts),
               "sbg_survival", "sbg_survival_ci_low", "sbg_survival_ci_high",
               "sbg_retention", "sbg_retention_ci_low", "sbg_retention_ci_high"]

    def rows() -> Iterator[list[Any]]:
        for period in sorted(set(observed) | set(projected)):
            point, projection = observed.get(period), projected.get(period)
            yield [period, *(None if point is None else point[part] for part in km_parts),
                   *_estimate(projection and projection["survival"], INTERVAL),
                   *_estimate(projection and projection["retention"], INTERVAL)]

    return columns, rows()


def segment_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per segment: the fit's (``model`` bgnbd_gamma_gamma) then the contracts' (``sbg``)."""
    columns = ["model", "segment", "customers", "total", "total_ci_low", "total_ci_high",
               "mean", "mean_ci_low", "mean_ci_high"]
    sources = [("bgnbd_gamma_gamma", report["segments"]),
               ("sbg", (report.get("contractual") or {}).get("segments", []))]
    rows = ([model, item["segment"], item["customers"], *_estimate(item["total"], INTERVAL),
             *_estimate(item["mean"], INTERVAL)] for model, items in sources for item in items)
    return columns, rows
