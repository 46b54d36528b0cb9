"""PostgreSQL statements for ingestion: one per event, three per batch whatever its size.

A single event is stored and its customer upserted in one statement (a data-modifying CTE), so an
acknowledged event costs one round trip on an autocommit connection. A batch looks up the ids it
holds, then inserts its new events and upserts their customers; ids and rows travel as JSON
(``json_array_elements_text``, ``json_to_recordset``) rather than as a statement or a bound
parameter per row. The SQLite path (``events.py``) stays in SQLAlchemy Core.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection

from shared.contracts.events import CONTACT_FIELDS

# The contact columns come from the event contract's list (constant names, never input).
_COLUMNS = ", ".join(CONTACT_FIELDS)
_VALUES = ", ".join(f"%({name})s" for name in CONTACT_FIELDS)
_ROW_TYPES = ", ".join(f"{name} text" for name in CONTACT_FIELDS)

# Known contact fields overwrite, attributes merge; an erased customer stays erased.
_CUSTOMER_UPDATE = """
ON CONFLICT (id) DO UPDATE SET
""" + "".join(f"    {name} = CASE WHEN c.erased_at IS NULL THEN coalesce(excluded.{name}, c.{name}) END,\n"
              for name in CONTACT_FIELDS) + """    attributes = CASE WHEN c.erased_at IS NULL THEN c.attributes || excluded.attributes ELSE '{}'::jsonb END,
    updated_at = excluded.updated_at
"""

_ONE_EVENT = """
WITH stored AS (
    INSERT INTO journey_events (event_id, type, occurred_at, customer_id, attributes, body_hash, received_at)
    VALUES (%(event_id)s, %(type)s, %(occurred_at)s, %(customer_id)s, %(attributes)s::jsonb, %(body_hash)s,
            %(now)s)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING 1
), customer AS (
    INSERT INTO customers AS c (id, """ + _COLUMNS + """, attributes, created_at, updated_at)
    SELECT %(customer_id)s, """ + _VALUES + """, %(customer_attributes)s::jsonb, %(now)s, %(now)s
    WHERE EXISTS (SELECT FROM stored)
""" + _CUSTOMER_UPDATE + """
    RETURNING 1
)
SELECT count(*) FROM stored
"""

_CUSTOMERS = """
INSERT INTO customers AS c (id, """ + _COLUMNS + """, attributes, created_at, updated_at)
SELECT u.id, """ + ", ".join(f"u.{name}" for name in CONTACT_FIELDS) + """, u.attributes, %(now)s, %(now)s
FROM json_to_recordset(%(rows)s::json)
     AS u(id text, """ + _ROW_TYPES + """, attributes jsonb)
ORDER BY u.id
""" + _CUSTOMER_UPDATE

_EVENTS = """
INSERT INTO journey_events (event_id, type, occurred_at, customer_id, attributes, body_hash, received_at)
SELECT u.event_id, u.type, u.occurred_at, u.customer_id, u.attributes, u.body_hash, %(now)s
FROM json_to_recordset(%(rows)s::json)
     AS u(n integer, event_id text, type text, occurred_at timestamptz, customer_id text, attributes jsonb,
          body_hash text)
ORDER BY u.n
"""

_KNOWN = """
SELECT event_id, body_hash, received_at FROM journey_events
WHERE event_id IN (SELECT json_array_elements_text(%(ids)s::json))
"""


def _json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def insert_event(connection: Connection, event: dict[str, Any], digest: str, now: datetime) -> bool:
    """Store the event and upsert its customer in one statement; False when the id is already known."""
    customer = event["customer"]
    parameters = {"event_id": event["id"], "type": event["type"], "occurred_at": event["occurred_at"],
                  "customer_id": customer["id"], "attributes": _json(event["attributes"]), "body_hash": digest,
                  "now": now, "customer_attributes": _json(customer["attributes"]),
                  **{name: customer[name] for name in CONTACT_FIELDS}}
    return connection.exec_driver_sql(_ONE_EVENT, parameters).scalar_one() == 1


class KnownEvent(NamedTuple):
    """What a batch needs to know about an event id stored earlier."""

    body_hash: str
    received_at: datetime


def known_events(connection: Connection, ids: list[str]) -> dict[str, KnownEvent]:
    """Stored events among ``ids``, by event id (``received_at`` in UTC)."""
    rows = connection.exec_driver_sql(_KNOWN, {"ids": _json(ids)})
    return {event_id: KnownEvent(digest, received_at.astimezone(UTC)) for event_id, digest, received_at in rows}


def upsert_customers(connection: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert or update merged customer rows, locking them in id order (no deadlock between batches)."""
    if rows:
        connection.exec_driver_sql(_CUSTOMERS, {"rows": _json(rows), "now": now})


def insert_events(connection: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert new event rows (as built by ``events._event_row``) in one statement, in the order given."""
    if rows:
        document = [{"n": n, "event_id": row["event_id"], "type": row["type"],
                     "occurred_at": row["occurred_at"].isoformat(), "customer_id": row["customer_id"],
                     "attributes": row["attributes"], "body_hash": row["body_hash"]} for n, row in enumerate(rows)]
        connection.exec_driver_sql(_EVENTS, {"rows": _json(document), "now": now})
