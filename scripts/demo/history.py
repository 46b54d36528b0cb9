"""Three months of journey events and of survey responses (with scores and comments) of the demo company."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from demo.comments import BAD, GOOD, MIXED, comment_for
from demo.orders import Order
from demo.people import Customer

# CSAT 1..5 weights per touchpoint; "delivery_dip" is the month the new carrier took over.
CSAT_WEIGHTS = {"delivery": [2, 3, 8, 35, 52], "delivery_dip": [13, 15, 20, 29, 23],
                "purchase": [2, 4, 10, 40, 44], "support": [4, 6, 12, 38, 40], "return_refund": [6, 8, 16, 36, 34],
                "consideration": [5, 10, 25, 35, 25]}
CES_WEIGHTS = {"support": [2, 3, 6, 10, 22, 32, 25], "onboarding": [1, 2, 4, 8, 20, 35, 30]}
# Probability that an occurrence yields a completed response (trigger sampling x response rate).
RESPONSE_RATE = {"consideration": 0.06, "onboarding": 0.35, "purchase": 0.1, "delivery": 0.27, "support": 0.45, "return_refund": 0.45}
EVENT_OF = {"consideration": "cart.abandoned", "onboarding": "account.signed_up", "purchase": "order.placed",
            "delivery": "order.delivered", "support": "support.ticket_closed", "return_refund": "refund.issued"}


def journey_events(rng: random.Random, customers: list[Customer], orders: list[Order], *,
                   start: datetime, end: datetime) -> list[dict]:
    """Journey events in [start, end): orders, deliveries, tickets, returns, sign-ups, abandoned carts."""
    events = []

    def add(event_id: str, kind: str, at: datetime, customer: Customer, **attributes) -> None:
        if start <= at < end:
            events.append({"id": event_id, "type": kind, "occurred_at": at.isoformat(),
                           "customer": customer.as_event_customer(), "attributes": attributes})

    for order in orders:
        c, o = order.customer, order.id
        add(f"{o}-placed", "order.placed", order.placed_at, c, order_id=o, amount=order.amount, currency="KRW")
        add(f"{o}-shipped", "order.shipped", order.placed_at + timedelta(hours=6), c, order_id=o,
            carrier=order.carrier)
        add(f"{o}-delivered", "order.delivered", order.delivered_at, c, order_id=o, carrier=order.carrier,
            hours_to_deliver=round((order.delivered_at - order.placed_at).total_seconds() / 3600, 1))
        if order.ticket:
            add(f"{o}-ticket", "support.ticket_closed", order.delivered_at + timedelta(hours=20), c, order_id=o,
                ticket_id=f"tk-{o[2:]}", topic=rng.choice(["delivery", "payment", "product", "account"]),
                resolution=rng.choice(["solved", "solved", "solved", "refunded", "spam"]))
        if order.returned:
            add(f"{o}-return", "return.requested", order.delivered_at + timedelta(days=1), c, order_id=o)
            add(f"{o}-refund", "refund.issued", order.delivered_at + timedelta(days=4), c, order_id=o,
                amount=order.amount)
    for customer in customers:
        if rng.random() < 0.25:  # joined during these three months
            add(f"su-{customer.id}", "account.signed_up", start + timedelta(seconds=rng.uniform(0, 90 * 86400)),
                customer, referrer=rng.choice(["search", "instagram", "friend", "kakao"]))
        if not customer.buyer or rng.random() < 0.2:
            for n in range(rng.randint(1, 3)):
                add(f"ca-{customer.id}-{n}", "cart.abandoned", start + timedelta(seconds=rng.uniform(0, 90 * 86400)),
                    customer, items=rng.randint(1, 6), cart_value=rng.randrange(8000, 150000, 100))
    events.sort(key=lambda event: event["occurred_at"])
    return events


def _scores(rng: random.Random, touchpoint: str, in_dip: bool) -> dict[str, int]:
    key = "delivery_dip" if touchpoint == "delivery" and in_dip else touchpoint
    scores = {}
    if touchpoint in CES_WEIGHTS:
        scores["ces"] = rng.choices(range(1, 8), CES_WEIGHTS[touchpoint])[0]
    if key in CSAT_WEIGHTS:
        scores["csat"] = rng.choices(range(1, 6), CSAT_WEIGHTS[key])[0]
    base = scores.get("csat", (scores.get("ces", 5) + 2) * 5 / 9)
    scores["nps"] = max(0, min(10, round(base * 2.1 - 0.8 + rng.gauss(0, 1.3))))
    return scores


def _answers(rng: random.Random, survey: dict, scores: dict[str, int], comment: str | None, issues: list[str]) -> list:
    answers = []
    for question in survey["questions"]:
        kind, item = question["type"], {"question_key": question["key"], "type": question["type"],
                                        "dimension": question.get("dimension"), "driver": question.get("driver")}
        if kind in scores:
            answers.append({**item, "value": scores[kind]})
        elif kind == "text" and comment:
            answers.append({**item, "text": comment})
        elif kind == "multi_choice" and issues:
            answers.append({**item, "choices": issues})
        elif kind == "single_choice" and rng.random() < 0.7:
            answers.append({**item, "choices": [rng.choice(question["choices"])["key"]]})
    return answers


def responses(rng: random.Random, events: list[dict], surveys: dict[str, dict], customers: dict[str, Customer], *,
              dip: tuple[datetime, datetime], now: datetime) -> list[dict]:
    """Completed responses to the occurrences in ``events`` (``surveys``: touchpoint -> id, version, definition)."""
    records = []
    for touchpoint, event_type in EVENT_OF.items():
        survey = surveys[touchpoint]
        definition = survey["definition"]
        for event in events:
            if event["type"] != event_type or rng.random() >= RESPONSE_RATE[touchpoint]:
                continue
            event_at = datetime.fromisoformat(event["occurred_at"])
            answered = event_at + timedelta(hours=rng.uniform(2.2, 30))
            if answered >= now:
                continue
            customer = customers[event["customer"]["id"]]
            in_dip = dip[0] <= answered < dip[1]
            scores = _scores(rng, touchpoint, in_dip)
            score = scores.get("csat", round((scores.get("ces", 5) + 1) * 5 / 8))
            mood = GOOD if score >= 4 else MIXED if score == 3 else BAD
            comment = comment_for(rng, touchpoint, customer.lang, mood, dip=in_dip)
            issues = []
            if touchpoint == "delivery":
                issues = (["late"] + (["damaged"] if rng.random() < 0.4 else [])) if mood == BAD and in_dip else (
                    ["late"] if mood == BAD else ["none"] if mood == GOOD else [])
            stamp = answered.isoformat()
            attributes = dict(customer.attributes)
            if "carrier" in event["attributes"]:
                attributes["carrier"] = event["attributes"]["carrier"]
            records.append({
                "response_id": f"demo-{touchpoint}-{event['id']}", "version": 1, "survey_id": str(survey["id"]),
                "survey_version": survey["version"], "touchpoint": touchpoint,
                "channel": "in_app" if touchpoint in ("consideration", "purchase") else "email",
                "customer_id": customer.id, "invitation_id": None, "event_type": event_type,
                "event_at": event["occurred_at"], "lang": customer.lang, "attributes": attributes,
                "completed": True, "created_at": stamp, "updated_at": stamp, "completed_at": stamp,
                "answers": _answers(rng, definition, scores, comment, issues)})
    records.sort(key=lambda record: record["created_at"])
    return records
