"""Use case: a cohort's retention split by relationship NPS group, with a log-rank test of the difference."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from services.metrics.finance.nps_groups import customer_groups, nps_question, nps_source
from services.metrics.finance.periods import day_start, estimate_reply
from services.metrics.finance.retention import cohort_members, km_points
from services.metrics.stats.kaplan_meier import kaplan_meier
from services.metrics.stats.logrank import logrank_test, survival_difference
from shared.contracts.nps_value import NOT_ASKED, NPS_VALUE_GROUPS


def nps_group_retention(session: Session, *, cohort_start: date, cohort_end: date, as_of: date, unit: str,
                        segment: str | None, survey: str, question: str | None, confidence: float) -> dict:
    """Kaplan-Meier per NPS group (latest answer before the cohort's first day), log-rank, and the
    promoter-minus-detractor survival difference per period."""
    key = nps_question(session, survey, question)
    before = day_start(cohort_start)
    customers, durations, churned = cohort_members(session, cohort_start=cohort_start, cohort_end=cohort_end,
                                                   as_of=as_of, unit=unit, segment=segment)
    groups = customer_groups(session, customers, survey_id=survey, question_key=key, before=before)
    labels = np.array([groups[c] for c in customers], dtype=object)
    entries, curves = [], {}
    for label in NPS_VALUE_GROUPS:
        mask = labels == label
        entry = {"group": label, "customers": int(mask.sum()), "churned": int(churned[mask].sum()),
                 "kaplan_meier": []}
        if mask.any():
            entry["kaplan_meier"] = km_points(durations[mask], churned[mask], confidence)
            curves[label] = (kaplan_meier(durations[mask], churned[mask], confidence=confidence),
                             int(durations[mask].max()))
        entries.append(entry)
    reply = {"nps": nps_source(survey, key, before), "groups": entries, "logrank": None,
             "logrank_unavailable_reason": None, "promoter_minus_detractor": []}
    asked = (labels != NOT_ASKED)
    if len({label for label in labels[asked]}) < 2:
        reply["logrank_unavailable_reason"] = "fewer than two NPS groups among the cohort's customers"
    elif not churned[asked].any():
        reply["logrank_unavailable_reason"] = "no churn among the asked customers yet"
    else:
        test = logrank_test(durations[asked], churned[asked], labels[asked].astype(str))
        reply["logrank"] = {"statistic": test.statistic, "df": test.df, "p_value": test.p_value,
                            "groups": list(test.labels), "observed": test.observed.tolist(),
                            "expected": test.expected.tolist()}
    if "promoter" in curves and "detractor" in curves:
        (promoters, last_p), (detractors, last_d) = curves["promoter"], curves["detractor"]
        reply["promoter_minus_detractor"] = [
            {"period": period, **estimate_reply(survival_difference(promoters, detractors, period,
                                                                    confidence=confidence))}
            for period in range(1, min(last_p, last_d) + 1)]
    return reply
