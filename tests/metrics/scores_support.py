"""Builders of response records as survey sends them (test support for the metrics score tests)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

_ids = itertools.count(1)
T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # a Monday
NOW = T0 + timedelta(days=1)  # the clock of the score tests


def response(*, nps=None, csat=None, ces=None, text=None, at=T0, touchpoint="delivery",
             survey="s-1", survey_version=1, attributes=None, version=1, response_id=None,
             completed=True, lang=None, channel="email") -> dict:
    """One response record in the shared contract's JSON form."""
    answers = []
    for kind, value in (("nps", nps), ("csat", csat), ("ces", ces)):
        if value is not None:
            answers.append({"question_key": f"q_{kind}", "type": kind, "value": value,
                            "dimension": "feel" if kind == "csat" else None,
                            "driver": "process" if kind == "ces" else None})
    if text is not None:
        answers.append({"question_key": "q_text", "type": "text", "text": text})
    stamp = at.isoformat()
    return {"response_id": response_id or f"r-{next(_ids)}", "version": version, "survey_id": survey,
            "survey_version": survey_version, "touchpoint": touchpoint, "channel": channel,
            "customer_id": "c-1", "invitation_id": None, "event_type": "order.delivered",
            "event_at": stamp, "lang": lang, "attributes": attributes or {}, "completed": completed,
            "created_at": stamp, "updated_at": stamp, "completed_at": stamp if completed else None,
            "answers": answers}


def nps_batch(promoters: int, passives: int, detractors: int, **kwargs) -> list[dict]:
    """Responses with the given NPS mix (10s, 8s and 3s)."""
    values = [10] * promoters + [8] * passives + [3] * detractors
    return [response(nps=v, at=kwargs.pop("at", T0) if False else kwargs.get("at", T0),
                     **{k: v2 for k, v2 in kwargs.items() if k != "at"}) for v in values]


def spread(batch: list[dict], start: datetime, step: timedelta) -> list[dict]:
    """Give the responses successive creation times."""
    for i, item in enumerate(batch):
        stamp = (start + i * step).isoformat()
        item.update(created_at=stamp, updated_at=stamp, completed_at=stamp, event_at=stamp)
    return batch


def nps_hour(start: datetime, promoters: int, passives: int, detractors: int, tag: str) -> list[dict]:
    """One hour of NPS responses (10s, 8s and 3s) for touchpoint ``delivery``, spread over the hour."""
    values = [10] * promoters + [8] * passives + [3] * detractors
    stamps = [start + timedelta(seconds=10 + i * 3000 / len(values)) for i in range(len(values))]
    batch = [response(nps=value, at=stamp, response_id=f"{tag}-{i}", lang="ko")
             for i, (value, stamp) in enumerate(zip(values, stamps, strict=True))]
    for i, item in enumerate(batch):
        item["customer_id"] = f"c-{i}"
    return batch
