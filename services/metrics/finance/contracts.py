"""Use case: store subscriptions (contracts); the same id replaces the stored row."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError
from services.metrics.models.finance import Contract

_UPDATED = ("customer_id", "started_at", "ended_at", "plan", "recurring_value", "currency", "segment",
            "attributes", "updated_at")


def store_contracts(session: Session, *, contracts: list[dict], now: datetime) -> int:
    """Insert or replace contracts by id (a cancellation re-sends the row with ``ended_at``)."""
    repeated = [cid for cid, count in Counter(c["id"] for c in contracts).items() if count > 1]
    if repeated:
        positions = {str(i): {"id": [f"id {c['id']!r} appears more than once in the batch"]}
                     for i, c in enumerate(contracts) if c["id"] in set(repeated[:100])}
        raise InvalidInputError("contract ids repeat within the batch; nothing was stored",
                                errors={"contracts": dict(list(positions.items())[:100])})
    rows = [{**contract, "started_at": contract["started_at"].astimezone(UTC),
             "ended_at": contract["ended_at"].astimezone(UTC) if contract.get("ended_at") else None,
             "attributes": contract.get("attributes") or {}, "updated_at": now} for contract in contracts]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Contract.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["id"], set_={name: statement.excluded[name] for name in _UPDATED})
    for start in range(0, len(rows), 5000):
        session.execute(statement, rows[start:start + 5000])
    session.commit()
    return len(rows)
