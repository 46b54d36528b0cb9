"""The home page: every active survey with its answers in the range, main score with interval, a
sparkline of its weekly trend, and the change against the previous range (marked only when significant)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from services.console.dashboards.charting import Chart, chart_text, metric_label, period_label
from services.console.dashboards.filters import Filters
from shared.charts import rows_of_estimates, sparkline_spec
from shared.question_types import SCORE_METRICS
from shared.statuses import SurveyStatus

SPARK_WEEKS = 12


@dataclass
class SurveyCard:
    """One survey's line on the home page."""

    survey_id: str
    name: str
    touchpoint: str
    metric: str | None
    estimate: dict[str, Any] | None
    comparison: dict[str, Any] | None
    sparkline: Chart | None

    @property
    def metric_name(self) -> str:
        return metric_label(self.metric) if self.metric else ""


def home_reads(clients, filters: Filters, *, first: date, after: date, tz: str) -> dict[str, Any]:
    """The home page's independent reads (each takes the person), for ``optional_reads``."""
    metrics = ",".join(SCORE_METRICS)
    scope = filters.scope()
    span = (after - first).days
    reads = {
        "surveys": functools.partial(clients.survey.list_surveys, status=SurveyStatus.PUBLISHED.value),
        "now": functools.partial(clients.metrics.scores, params={
            "metric": metrics, "group_by": "survey", "from": first.isoformat(), "to": after.isoformat(),
            "tz": tz, **scope}),
        "trend": functools.partial(clients.metrics.scores, params={
            "metric": metrics, "group_by": "survey,period", "period": "week", "tz": tz, **scope,
            "from": (after - timedelta(weeks=SPARK_WEEKS)).isoformat(), "to": after.isoformat()}),
    }
    for metric in SCORE_METRICS:
        reads[f"compare_{metric}"] = functools.partial(clients.metrics.compare, params={
            "metric": metric, "group_by": "survey", "window": f"{span}d", "to": after.isoformat(), "tz": tz,
            **scope})
    return reads


def _main_cells(now: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per survey id, the cell of the metric with the most answers (its main score)."""
    best: dict[str, dict[str, Any]] = {}
    for cell in (now or {}).get("cells", []):
        survey = cell["group"].get("survey")
        if survey is not None and (survey not in best or cell["n"] > best[survey]["n"]):
            best[survey] = cell
    return best


def _sparkline(trend: dict[str, Any] | None, survey: str, metric: str, name: str) -> Chart | None:
    for series in (trend or {}).get("series", []):
        if series["metric"] == metric and series["group"].get("survey") == survey:
            rows = rows_of_estimates((p["period"], period_label(p["period"], "week"), p) for p in series["points"])
            text = chart_text(metric, x_title=_("Week (first day)"), description=_(
                "%(metric)s of %(survey)s by week, with 95%% intervals", metric=metric_label(metric), survey=name))
            return Chart(title=_("Last %(weeks)d weeks", weeks=SPARK_WEEKS), spec=sparkline_spec(rows, text),
                         rows=rows, text=text, label_heading=_("Week (first day)"), kind="sparkline")
    return None


def survey_cards(values: dict[str, Any]) -> list[SurveyCard]:
    """Cards of the published surveys (or, when the person may not list surveys, of those with answers)."""
    main = _main_cells(values.get("now"))
    comparisons = {(metric, cell["group"].get("survey")): cell
                   for metric in SCORE_METRICS for cell in (values.get(f"compare_{metric}") or {}).get("cells", [])}
    surveys = values.get("surveys")
    listed = ([(str(s["id"]), s["name"], s["touchpoint"]) for s in surveys] if surveys is not None
              else [(survey, _("Survey %(id)s", id=survey), "") for survey in sorted(main)])
    cards = []
    for survey_id, name, touchpoint in listed:
        cell = main.get(survey_id)
        metric = cell["metric"] if cell else None
        cards.append(SurveyCard(
            survey_id=survey_id, name=name, touchpoint=touchpoint, metric=metric, estimate=cell,
            comparison=comparisons.get((metric, survey_id)) if metric else None,
            sparkline=_sparkline(values.get("trend"), survey_id, metric, name) if metric else None))
    cards.sort(key=lambda card: (card.estimate is None, -(card.estimate or {}).get("n", 0)))
    return cards
