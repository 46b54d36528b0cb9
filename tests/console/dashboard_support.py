"""Demo-like data for the dashboard tests: a published delivery survey whose CSAT dips from about 87%
to about 48% in the last 30 days (the demo's carrier month), sent through the real survey and metrics APIs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from shared.contracts.responses import ResponseBatchSchema
from tests.support import auth

GOOD = [2, 3, 8, 35, 52]  # the demo's CSAT weights (scripts/demo/history.py)
DIP = [13, 15, 20, 29, 23]
CHANNELS = ("email", "in_app")
REGIONS = ("Seoul", "Busan", "Incheon")


def survey_body() -> dict:
    return {"name": "배송 만족도 <script>alert(1)</script>", "touchpoint": "delivery", "default_language": "ko",
            "title": {"ko": "배송은 어떠셨나요?", "en": "How was the delivery?"},
            "questions": [{"key": "csat", "type": "csat", "required": True,
                           "text": {"ko": "배송에 만족하셨나요?", "en": "How satisfied are you with the delivery?"}},
                          {"key": "comment", "type": "text",
                           "text": {"ko": "하실 말씀이 있나요?", "en": "Anything to add?"}}]}


def publish_delivery_survey(survey_client, key: str) -> int:
    """A published delivery survey; its id."""
    touch = survey_client.post("/v1/touchpoints", json={"key": "delivery", "name": "Delivery"}, headers=auth(key))
    assert touch.status_code in (201, 409), touch.get_json()
    created = survey_client.post("/v1/surveys", json=survey_body(), headers=auth(key))
    assert created.status_code == 201, created.get_json()
    published = survey_client.post(f"/v1/surveys/{created.get_json()['id']}/publish", headers=auth(key))
    assert published.status_code == 201, published.get_json()
    return created.get_json()["id"]


def dip_responses(survey_id: int, *, now: datetime, per_window: int = 240, seed: int = 20261) -> list[dict]:
    """``per_window`` answers in each of the 30-day windows before ``now``: good, then the dip."""
    rng = random.Random(seed)
    records = []
    for window, weights in ((1, GOOD), (0, DIP)):
        for number in range(per_window):
            at = now - timedelta(days=30 * window + 1, minutes=rng.uniform(0, 28 * 24 * 60))
            score = rng.choices(range(1, 6), weights=weights)[0]
            records.append({
                "response_id": f"r{window}-{number}", "version": 1, "survey_id": str(survey_id), "survey_version": 1,
                "touchpoint": "delivery", "channel": CHANNELS[number % 2], "customer_id": f"c{number}",
                "invitation_id": None, "event_type": "order.delivered", "event_at": at, "lang": "ko",
                "attributes": {"region": REGIONS[number % 3]}, "completed": True, "created_at": at,
                "updated_at": at, "completed_at": at,
                "answers": [{"question_key": "csat", "type": "csat", "value": score, "scale_max": None,
                             "choices": [], "text": None, "dimension": None, "driver": None},
                            *_comment(rng, window, score)]})
    return records


def _comment(rng: random.Random, window: int, score: int) -> list[dict]:
    """A comment on about a third of the answers; in the dip, low scores blame the late delivery (the rising
    keyword the summary marks)."""
    if rng.random() > 0.35:
        return []
    if window == 0 and score <= 3 and rng.random() < 0.8:
        text = rng.choice(COMPLAINTS)
    else:
        text = rng.choice(PRAISE if score >= 4 else MIXED)
    return [{"question_key": "comment", "type": "text", "value": None, "scale_max": None, "choices": [],
             "text": text, "dimension": None, "driver": None}]


COMPLAINTS = ("배송이 너무 늦었어요", "택배 지연 때문에 화가 났어요", "배송 지연이 심해요", "배송이 늦고 연락도 없었어요")
PRAISE = ("포장이 꼼꼼했어요", "기사님이 친절했어요", "상품이 좋아요", "포장이 깔끔해요")
MIXED = ("상품이 생각과 달라요", "포장이 조금 아쉬워요")


def seed_dip(metrics_client, service_key: str, survey_id: int, *, now: datetime) -> int:
    """Post the answers to metrics as survey's outbox does; how many."""
    records = dip_responses(survey_id, now=now)
    wire = ResponseBatchSchema().dump({"responses": records})
    reply = metrics_client.post("/v1/responses/batch", json=wire, headers=auth(service_key))
    assert reply.status_code == 200, reply.get_json()
    return len(records)


NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
