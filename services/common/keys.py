"""Key management use cases: create, list, revoke, authenticate (no Flask).

One key works on all three services: ``create`` and ``revoke`` write the same hashed row to the
``api_keys`` table of every service database they are given; each service then reads only its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, MetaData, insert, select, update

from services.common.tables import PlatformTables, define_platform_tables
from shared.auth import ROLE_NAMES, NewKey, Principal, hash_key, mint_key, parse_key_id


@dataclass(frozen=True)
class KeyRecord:
    """A stored key, without its secret."""

    key_id: str
    role: str
    subject: str
    created_at: datetime
    revoked_at: datetime | None


_STANDALONE = define_platform_tables(MetaData())


def create_key(engines: Iterable[Engine], *, role: str, subject: str, now: datetime,
               tables: PlatformTables = _STANDALONE) -> NewKey:
    """Mint a key and store its hash in every given database; returns the plaintext once."""
    if role not in ROLE_NAMES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLE_NAMES)}")
    if not subject.strip():
        raise ValueError("subject (who owns the key) must not be empty")
    new_key = mint_key()
    for engine in engines:
        with engine.begin() as connection:
            connection.execute(insert(tables.api_keys).values(
                key_id=new_key.key_id, key_hash=new_key.key_hash, role=role,
                subject=subject.strip(), created_at=now, revoked_at=None))
    return new_key


def list_keys(connection: Connection, *, tables: PlatformTables = _STANDALONE) -> list[KeyRecord]:
    """All keys of one database, newest first."""
    rows = connection.execute(select(tables.api_keys).order_by(tables.api_keys.c.created_at.desc()))
    return [KeyRecord(r.key_id, r.role, r.subject, r.created_at, r.revoked_at) for r in rows]


def revoke_key(engines: Iterable[Engine], *, key_id: str, now: datetime,
               tables: PlatformTables = _STANDALONE) -> int:
    """Mark a key revoked in every given database; returns how many databases knew it."""
    found = 0
    for engine in engines:
        with engine.begin() as connection:
            result = connection.execute(
                update(tables.api_keys)
                .where(tables.api_keys.c.key_id == key_id, tables.api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now))
            found += 1 if result.rowcount else 0
    return found


def authenticate(connection: Connection, token: str, *, tables: PlatformTables = _STANDALONE) -> Principal | None:
    """The principal of a presented key, or None if it is malformed, unknown or revoked."""
    key_id = parse_key_id(token)
    if key_id is None:
        return None
    row = connection.execute(
        select(tables.api_keys.c.role, tables.api_keys.c.subject)
        .where(tables.api_keys.c.key_id == key_id, tables.api_keys.c.key_hash == hash_key(token),
               tables.api_keys.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    return Principal(key_id=key_id, role=row.role, subject=row.subject)
