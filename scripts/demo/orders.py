"""A year of purchases (transactions) and membership contracts of the demo customers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from demo.people import Customer

CARRIER, DIP_CARRIER = "한빛택배", "스피드로지"
MEMBERSHIP = {"plus": 4900, "premium": 9900}


@dataclass
class Order:
    """One order: when it was placed and delivered, what it cost, whether it came back."""

    id: str
    customer: Customer
    placed_at: datetime
    delivered_at: datetime
    amount: int
    carrier: str
    returned: bool
    ticket: bool


def make_orders(rng: random.Random, customers: list[Customer], *, now: datetime,
                dip: tuple[datetime, datetime]) -> list[Order]:
    """Purchases over the last 365 days: per customer a Poisson process until the customer drops out."""
    orders = []
    start = now - timedelta(days=365)
    for customer in customers:
        if not customer.buyer:
            continue
        first = start + timedelta(days=rng.uniform(0, 360))
        moment, week = first, 0.0
        number = 0
        while moment < now and week < customer.dropout_week:
            number += 1
            in_dip = dip[0] <= moment < dip[1]
            hours = rng.uniform(14, 30) + (rng.uniform(30, 80) if in_dip and rng.random() < 0.45 else 0)
            orders.append(Order(
                id=f"o-{customer.id[3:]}-{number:03d}", customer=customer, placed_at=moment,
                delivered_at=moment + timedelta(hours=hours),
                amount=max(3000, round(customer.spend * rng.lognormvariate(0, 0.3), -2)),
                carrier=DIP_CARRIER if in_dip else CARRIER, returned=rng.random() < 0.05,
                ticket=rng.random() < (0.22 if in_dip else 0.1)))
            gap = rng.expovariate(max(customer.purchase_rate, 0.01))  # weeks
            moment += timedelta(weeks=gap)
            week += gap
    orders.sort(key=lambda order: order.placed_at)
    return orders


def transactions_of(orders: list[Order], *, now: datetime) -> list[dict]:
    """Transactions rows: a purchase per order, a refund per returned order."""
    rows = []
    for order in orders:
        segment = order.customer.attributes["plan"]
        rows.append({"id": f"t-{order.id}", "customer_id": order.customer.id,
                     "occurred_at": order.placed_at.isoformat(), "amount": order.amount, "currency": "KRW",
                     "segment": segment, "attributes": {"region": order.customer.attributes["region"]}})
        refund_at = order.delivered_at + timedelta(days=4)
        if order.returned and refund_at < now:
            rows.append({"id": f"t-{order.id}-refund", "customer_id": order.customer.id,
                         "occurred_at": refund_at.isoformat(), "amount": -order.amount, "currency": "KRW",
                         "segment": segment, "attributes": {"reason": "return"}})
    return rows


def contracts_of(rng: random.Random, customers: list[Customer], *, now: datetime) -> list[dict]:
    """Monthly memberships of plus and premium customers; some were cancelled (heterogeneous churn)."""
    rows = []
    for customer in customers:
        plan = customer.attributes["plan"]
        if plan not in MEMBERSHIP:
            continue
        started = now - timedelta(days=rng.uniform(10, 540))
        churn = rng.betavariate(1.2, 14)  # monthly cancellation probability of this member
        months = 0
        ended = None
        while started + timedelta(days=30.4 * (months + 1)) < now:
            months += 1
            if rng.random() < churn:
                ended = started + timedelta(days=30.4 * months)
                break
        rows.append({"id": f"m-{customer.id}", "customer_id": customer.id, "started_at": started.isoformat(),
                     "ended_at": ended.isoformat() if ended else None, "plan": plan,
                     "recurring_value": MEMBERSHIP[plan], "currency": "KRW", "segment": plan,
                     "attributes": {"region": customer.attributes["region"]}})
    return rows
