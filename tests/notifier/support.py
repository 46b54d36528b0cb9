"""Builders for notifier tests: subscriptions, signals, a fake metrics service."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from services.metrics.stats.counts import count_comparison
from services.metrics.stats.nps import nps_difference
from shared.http_client import ServiceUnavailableError

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
_ids = itertools.count(1)


def subscription_body(**overrides) -> dict:
    """A weekly NPS drop subscription with an email channel."""
    body = {"name": "Delivery NPS", "metric": "nps", "scope": {"touchpoint": ["delivery"]},
            "rule": {"kind": "drop", "window": "7d", "baseline": "last_n", "baseline_windows": 4,
                     "alpha": 0.05, "min_drop": 5, "min_n": 30},
            "channels": [{"type": "email", "address": "lead@example.com"}], "cooldown_minutes": 60}
    body.update(overrides)
    return body


def signal_body(**overrides) -> dict:
    """A low NPS signal as survey sends it."""
    body = {"response_id": f"resp-{next(_ids)}", "survey_id": "s-1", "survey_version": 1,
            "touchpoint": "delivery", "channel": "email", "customer_id": "cust-7", "metric": "nps",
            "score": 2, "comment": "배송이 너무 느렸어요",
            "answers": [{"question_key": "q_nps", "type": "nps", "value": 2}], "lang": "ko",
            "attributes": {"region": "Seoul"}, "answered_at": NOW.isoformat(),
            "link": "http://127.0.0.1:8001/v1/responses/r-1"}
    body.update(overrides)
    return body


def estimate(value, n, parts=None, half=5.0):
    return {"value": value, "ci_low": None if value is None else value - half,
            "ci_high": None if value is None else value + half, "n": n, "confidence": 0.95,
            "method": "adjusted_wald", "insufficient": False, "parts": parts or {}}


def nps_cell(current: tuple[int, int, int], baseline: tuple[int, int, int], group=None) -> dict:
    """A compare cell as metrics returns it for NPS with ``test=pooled`` (its p-value from metrics' code)."""
    def one(counts):
        n = sum(counts)
        return estimate(100.0 * (counts[0] - counts[2]) / n, n,
                        {"promoters": counts[0], "passives": counts[1], "detractors": counts[2]})
    now, before = one(current), one(baseline)
    change = nps_difference(current, baseline, alternative="less", min_n=0, test="pooled")  # as metrics does
    p_value = change.parts["p_value"]
    return {"group": group or {}, "current": now, "baseline": before,
            "difference": estimate(now["value"] - before["value"], now["n"] + before["n"], half=8.0),
            "p_value": p_value, "test": change.parts["test"], "significant": p_value < 0.05,
            "direction": "down" if p_value < 0.05 else "none"}


def volume_cell(current: int, baseline_total: int, windows: int, *, confidence: float = 0.95, group=None) -> dict:
    """A compare cell as metrics returns it for ``metric=volume`` (computed with metrics' code)."""
    counted = count_comparison(current, baseline_total, windows, confidence=confidence, alternative="less",
                               min_n=0)  # as notifier asks
    p_value = counted.difference.parts["p_value"]
    significant = not counted.difference.insufficient and p_value < 0.05
    return {"group": group or {}, "current": counted.current.as_dict(), "baseline": counted.baseline.as_dict(),
            "difference": counted.difference.as_dict(), "p_value": p_value, "test": "conditional_binomial",
            "significant": significant, "direction": "down" if significant else "none"}


class FakeMetrics:
    """Answers compare with whatever cells the test set; can be switched off."""

    def __init__(self, cells=None) -> None:
        self.cells = cells or []
        self.up = True
        self.calls: list[dict] = []

    def compare(self, params):
        self.calls.append(params)
        if not self.up:
            raise ServiceUnavailableError("metrics down")
        end = datetime.fromisoformat(params["end"])
        return {"metric": params["metric"], "current_window": {"from_": end - timedelta(days=7), "to": end},
                "baseline_window": {"from_": end - timedelta(days=35), "to": end - timedelta(days=7)},
                "baseline": params["baseline"], "alternative": "less", "alpha": params["alpha"],
                "confidence": 0.95, "group_by": [], "cells": self.cells}

    def trend(self, params):
        if not self.up:
            raise ServiceUnavailableError("metrics down")
        return {"series": [{"group": {}, "points": [
            {"period": f"2026-W0{i}", "value": v, "ci_low": v - 5, "ci_high": v + 5, "n": 200}
            for i, v in enumerate([30, 31, 29, 20], start=1)]}]}

    def keywords(self, params):
        if not self.up:
            raise ServiceUnavailableError("metrics down")
        return {"groups": [{"rising": [{"keyword": "배송"}, {"keyword": "포장"}]}]}
