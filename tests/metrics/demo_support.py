"""The demo company built offline by its own generators (``scripts/demo``, the seed ``make run`` uses).

Responses (touchpoint history and the relationship NPS survey), transactions and contracts come out
exactly as ``scripts/seed_demo.py`` posts them; tests post them to an in-process metrics service.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from demo import catalog, history, orders, relationship  # noqa: E402
from demo.people import make_customers  # noqa: E402

SEED = 20261  # seed_demo's default seed
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
DIP = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))  # seed_demo.month_bounds(NOW)
RELATIONSHIP_SURVEY = "s-relationship"


@dataclass(frozen=True)
class Demo:
    """What the seeding posts: history responses, relationship responses, transactions, contracts."""

    records: list[dict]
    relationship: list[dict]
    transactions: list[dict]
    contracts: list[dict]


@cache
def demo_data() -> Demo:
    """The demo as ``seed_demo.seed`` generates it, in the same order of random draws."""
    rng = random.Random(SEED)
    customers = make_customers(rng, 3000)
    start = NOW - timedelta(days=91)
    all_orders = orders.make_orders(rng, customers, now=NOW, dip=DIP)
    window = [o for o in all_orders if o.placed_at >= start - timedelta(days=3)]
    events = history.journey_events(rng, customers, window, start=start, end=NOW)
    surveys = {tp: {"id": f"s-{tp}", "version": 1, "definition": body} for tp, body in catalog.SURVEYS.items()}
    records = history.responses(rng, events, surveys, {c.id: c for c in customers}, dip=DIP, now=NOW)
    transactions = orders.transactions_of(all_orders, now=NOW)
    contracts = orders.contracts_of(rng, customers, now=NOW)
    answered = relationship.relationship_responses(SEED, customers, records, contracts,
                                                   survey={"id": RELATIONSHIP_SURVEY, "version": 1}, now=NOW)
    return Demo(records, answered, transactions, contracts)


def post_responses(client, key: str, records: list[dict]) -> None:
    """Post responses to metrics in batches, as survey's outbox forwards them."""
    for first in range(0, len(records), 500):
        reply = client.post("/v1/responses/batch", headers={"Authorization": f"Bearer {key}"},
                            json={"responses": records[first:first + 500]})
        assert reply.status_code == 200, reply.json
