"""Flat tables of the score reports, for ``Accept: text/csv``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ESTIMATE_COLUMNS = ("value", "ci_low", "ci_high", "n", "confidence", "method", "insufficient")
WINDOW_PARTS = ("value", "ci_low", "ci_high", "n")


def score_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per cell: metric, the group values, then the estimate (and ``partial`` by period)."""
    group_by = report["group_by"]
    extra = ["partial"] if "period" in group_by else []
    rows = ([cell["metric"]] + [cell["group"][g] for g in group_by] + [cell[c] for c in ESTIMATE_COLUMNS]
            + [cell[c] for c in extra] for cell in report["cells"])
    return ["metric", *group_by, *ESTIMATE_COLUMNS, *extra], rows


def compare_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per group: both windows, the difference, the p-value and the verdict."""
    group_by = report["group_by"]
    columns = [*group_by,
               *(f"{part}{'' if key == 'value' else '_' + key}" for part in ("current", "baseline")
                 for key in WINDOW_PARTS),
               "difference", "difference_ci_low", "difference_ci_high", "p_value", "significant"]
    rows = ([c["group"][g] for g in group_by]
            + [c[part][key] for part in ("current", "baseline") for key in WINDOW_PARTS]
            + [c["difference"][key] for key in ("value", "ci_low", "ci_high")]
            + [c["p_value"], c["significant"]] for c in report["cells"])
    return columns, rows


KEYWORD_COLUMNS = ("count", "share", "share_ci_low", "share_ci_high", "previous_count", "previous_share",
                   "ratio", "ratio_ci_low", "p_value", "q_value")


def keyword_table(report: dict[str, Any]) -> tuple[list[str], Iterator[list[Any]]]:
    """One line per group, list (``top`` or ``rising``) and keyword; examples stay in the JSON reply."""
    names = list(report["groups"][0]["group"]) if report["groups"] else ["group"]
    columns = [*names, "n_comments", "n_previous_comments", "insufficient", "list", "keyword", *KEYWORD_COLUMNS]
    rows = ([group["group"].get(n) for n in names]
            + [group["n_comments"], group["n_previous_comments"], group["insufficient"], kind, entry["keyword"]]
            + [entry.get(c) for c in KEYWORD_COLUMNS]
            for group in report["groups"] for kind in ("top", "rising") for entry in group[kind])
    return columns, rows
