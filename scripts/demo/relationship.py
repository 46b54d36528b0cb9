"""The demo company's relationship NPS survey: asked a year ago and again in the last weeks.

Each answer depends on what the customer lived through, so key drivers and the NPS-group retention and
CLV of the demo show something real:

- the recent wave (last three weeks) leans on the customer's own touchpoint answers in the 90 days
  before it, most of all on delivery (the month of the late carrier shows), then support and checkout;
- both waves lean on loyalty: how often the customer buys (their purchase rate), and for members
  whether their membership is later cancelled (the year-ago wave precedes most memberships of the last
  year, so ``GET /v1/churn/retention?group_by=nps_group`` has a cohort to split).

It draws from its own random generator, so the rest of the demo (and every number the README and the
tests quote from it) is exactly what it was without it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta

from demo.people import Customer

TOUCHPOINT = ("relationship", "Relationship", "The relationship as a whole: asked twice a year, not after one moment")
SURVEY = {
    "name": "Relationship NPS", "touchpoint": "relationship", "default_language": "ko", "fallback_languages": ["en"],
    "recontact_days": 180, "title": {"ko": "하늘마켓과 함께한 시간은 어떠셨나요?", "en": "How are we doing overall?"},
    "intro": {"ko": "1분이면 충분해요. 여러분의 의견으로 서비스를 개선합니다.",
              "en": "It takes a minute, and it helps us get better."},
    "questions": [
        {"key": "nps", "type": "nps", "required": True, "dimension": "think", "driver": "product",
         "text": {"ko": "하늘마켓을 친구나 동료에게 추천하실 가능성은 얼마나 되나요?",
                  "en": "How likely are you to recommend Haneul Market to a friend or colleague?"}},
        {"key": "comment", "type": "text",
         "text": {"ko": "추천 점수의 가장 큰 이유는 무엇인가요?", "en": "What is the main reason for your score?"}}]}
SEED_OFFSET = 18  # its own generator: seed_demo's seed + this
#: (days before now the wave opens, days it stays open)
YEAR_AGO_WAVE, RECENT_WAVE = (380, 14), (20, 17)
LOOKBACK = timedelta(days=90)
# How much each touchpoint's mean CSAT (1-5, centred on 4.2) moves the recent wave's 0-10 answer.
TOUCHPOINT_EFFECT = {"delivery": 1.7, "support": 0.8, "purchase": 0.35, "return_refund": 0.4}
COMMENTS = {"promoter": {"ko": "배송도 빠르고 상품도 좋아요", "en": "Quick delivery and good products"},
            "passive": {"ko": "괜찮지만 배송이 가끔 늦어요", "en": "Fine, but delivery is sometimes late"},
            "detractor": {"ko": "배송이 너무 늦고 포장이 엉망이에요", "en": "Late parcels and poor packaging"}}


def _loyalty(customer: Customer, contract: dict | None) -> float:
    """Frequent buyers recommend more; members who later cancel recommend less."""
    value = -0.6 if not customer.buyer else max(-1.5, min(1.5, 0.9 * math.log(customer.purchase_rate / 0.2 + 1e-3)))
    if contract is not None:
        value += -2.4 if contract["ended_at"] else 0.7
    return value


def _touchpoint_means(records: list[dict]) -> dict[str, dict[str, list[tuple[datetime, int]]]]:
    """customer -> touchpoint -> [(answered at, CSAT)] of the history's responses."""
    found: dict[str, dict[str, list[tuple[datetime, int]]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        for answer in record["answers"]:
            if answer["type"] == "csat":
                found[record["customer_id"]][record["touchpoint"]].append(
                    (datetime.fromisoformat(record["completed_at"]), answer["value"]))
    return found


def _experience(answers: dict[str, list[tuple[datetime, int]]], at: datetime) -> float:
    total = 0.0
    for touchpoint, effect in TOUCHPOINT_EFFECT.items():
        values = [v for moment, v in answers.get(touchpoint, []) if at - LOOKBACK <= moment < at]
        if values:
            total += effect * (sum(values) / len(values) - 4.2)
    return total


def _group(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def relationship_responses(seed_value: int, customers: list[Customer], records: list[dict], contracts: list[dict],
                           *, survey: dict, now: datetime) -> list[dict]:
    """Completed responses of both waves (``survey``: id, version of the published relationship survey)."""
    rng = random.Random(seed_value + SEED_OFFSET)
    contract_of = {row["customer_id"]: row for row in contracts}
    touched = _touchpoint_means(records)
    rows = []
    for wave, (opens, days) in (("y", YEAR_AGO_WAVE), ("r", RECENT_WAVE)):
        for customer in customers:
            contract = contract_of.get(customer.id)
            recent = wave == "r"
            # the recent wave goes to customers who were surveyed lately (as relationship programmes
            # sample), plus a few others; the year-ago wave to members more than to everyone else
            if recent:
                asked = 0.75 if customer.id in touched else 0.15
            else:
                asked = 0.5 if contract else 0.25
            if rng.random() >= asked:
                continue
            at = now - timedelta(days=opens) + timedelta(seconds=rng.uniform(0, days * 86400))
            latent = 7.4 + _loyalty(customer, contract) + rng.gauss(0, 1.3)
            if recent:
                latent += _experience(touched.get(customer.id, {}), at)
            score = max(0, min(10, round(latent)))
            answers = [{"question_key": "nps", "type": "nps", "dimension": "think", "driver": "product", "value": score}]
            if rng.random() < 0.3:
                answers.append({"question_key": "comment", "type": "text", "dimension": None, "driver": None,
                                "text": COMMENTS[_group(score)][customer.lang]})
            stamp = at.isoformat()
            rows.append({
                "response_id": f"demo-relationship-{wave}-{customer.id}", "version": 1,
                "survey_id": str(survey["id"]), "survey_version": survey["version"], "touchpoint": "relationship",
                "channel": "email", "customer_id": customer.id, "invitation_id": None, "event_type": None,
                "event_at": None, "lang": customer.lang, "attributes": dict(customer.attributes), "completed": True,
                "created_at": stamp, "updated_at": stamp, "completed_at": stamp, "answers": answers})
    rows.sort(key=lambda row: row["created_at"])
    return rows
