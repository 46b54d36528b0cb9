"""Use case: what a relationship NPS group is worth, from a CLV fit's customer values (summed in SQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.common.db import prefer_set_joins
from services.metrics.finance.clv_customers import resolve_fit
from services.metrics.finance.nps_groups import group_of, latest_answers, nps_question, nps_source
from services.metrics.finance.periods import day_start, estimate_reply
from services.metrics.models.finance import ClvCustomerValue
from services.metrics.stats.means import MeanStats, mean_difference, mean_interval
from services.metrics.stats.proportions import proportion, proportion_difference
from shared.contracts.nps_value import NPS_VALUE_GROUPS

MIN_GROUP = 30  # below this an estimate is flagged insufficient (still returned)
INTERVAL_NOTE = ("intervals are over customers (how much a group's mean would vary with other customers of the "
                 "group); the CLV model's parameter uncertainty, shared by all groups, is not added")


def nps_group_values(session: Session, *, fit_id: str | None, survey: str, question: str | None,
                     segment: str | None, confidence: float) -> dict:
    """Mean CLV and repeat-purchase rate per NPS group (latest answer up to the fit's ``as_of`` day), and
    promoters minus detractors."""
    fit = resolve_fit(session, fit_id)
    prefer_set_joins(session)
    key = nps_question(session, survey, question)
    before = day_start(fit.as_of + timedelta(days=1))
    latest = latest_answers(survey_id=survey, question_key=key, before=before)
    values = ClvCustomerValue.__table__
    query = (select(latest.c.value, func.count(), func.sum(values.c.clv), func.sum(values.c.clv * values.c.clv),
                    func.sum(case((values.c.frequency > 0, 1), else_=0)))
             .select_from(values.outerjoin(latest, latest.c.customer_id == values.c.customer_id))
             .where(values.c.fit_id == fit.id).group_by(latest.c.value))
    if segment is not None:
        query = query.where(values.c.segment == segment)
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for value, count, total, squares, repeat in session.execute(query):
        tally = sums[group_of(value)]
        for i, part in enumerate((count, total or 0.0, squares or 0.0, repeat or 0)):
            tally[i] += part
    stats = {label: (MeanStats(int(t[0]), float(t[1]), float(t[2])), (int(t[3]), int(t[0])))
             for label, t in sums.items()}
    groups = []
    for label in NPS_VALUE_GROUPS:
        mean, repeat = stats.get(label, (MeanStats(0, 0.0, 0.0), (0, 0)))
        groups.append({"group": label, "customers": mean.n,
                       "mean_clv": estimate_reply(mean_interval(mean, confidence=confidence, min_n=MIN_GROUP)),
                       "repeat_rate": estimate_reply(proportion(*repeat, confidence=confidence, min_n=MIN_GROUP))})
    difference = {"mean_clv": None, "repeat_rate": None}
    if all(label in stats and stats[label][0].n >= 2 for label in ("promoter", "detractor")):
        (p_mean, p_repeat), (d_mean, d_repeat) = stats["promoter"], stats["detractor"]
        difference["mean_clv"] = estimate_reply(mean_difference(p_mean, d_mean, confidence=confidence,
                                                                min_n=MIN_GROUP))
        difference["repeat_rate"] = estimate_reply(proportion_difference(p_repeat, d_repeat, confidence=confidence,
                                                                         min_n=MIN_GROUP))
    return {"nps": nps_source(survey, key, before), "fit_id": fit.id, "segment": segment,
            "interval_note": INTERVAL_NOTE, "groups": groups, "promoter_minus_detractor": difference}
