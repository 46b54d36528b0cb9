"""Customer rows from events: known fields overwrite, attributes merge, erasure sticks.

``merge_customers`` folds a batch into one row per customer; ``upsert_customers`` writes them on
SQLite. PostgreSQL writes the same rules in one set-based statement (``events_pg``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal_column
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from services.survey.models import Customer
from shared.contracts.events import CONTACT_FIELDS


def merge_customers(customers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per customer id (later events win, attributes merge), sorted by id to avoid deadlocks."""
    merged: dict[str, dict[str, Any]] = {}
    for customer in customers:
        row = merged.setdefault(customer["id"], {"id": customer["id"], "attributes": {},
                                                 **{name: None for name in CONTACT_FIELDS}})
        for name in CONTACT_FIELDS:
            if customer.get(name) is not None:
                row[name] = customer[name]
        row["attributes"].update(customer.get("attributes") or {})
    return [merged[key] for key in sorted(merged)]


def upsert_customers(session: Session, rows: list[dict[str, Any]], *, now: datetime) -> None:
    """Insert new customers and update known ones on SQLite, in one executemany (never commits)."""
    if not rows:
        return
    columns = Customer.__table__.c
    statement = sqlite.insert(Customer)
    excluded = statement.excluded
    erased = columns.erased_at.is_not(None)
    updates: dict[str, Any] = {
        name: case((erased, None), else_=func.coalesce(getattr(excluded, name), columns[name]))
        for name in CONTACT_FIELDS
    }
    updates["attributes"] = case((erased, literal_column("'{}'")),
                                 else_=func.json_patch(columns.attributes, excluded.attributes))
    updates["updated_at"] = excluded.updated_at
    statement = statement.on_conflict_do_update(index_elements=[columns.id], set_=updates)
    payload = [{**row, "unsubscribed_at": None, "erased_at": None, "created_at": now, "updated_at": now}
               for row in rows]
    session.connection().execute(statement, payload)
