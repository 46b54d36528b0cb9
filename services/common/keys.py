"""Key management use cases: create, list, revoke, authenticate (no Flask).

One key works on all three services: ``create`` and ``revoke`` write the same hashed row to the
``api_keys`` table of every service database they are given; each service then reads only its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, MetaData, insert, select, update
from sqlalchemy.orm import Session

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
            store_key(connection, new_key, role=role, subject=subject, now=now, tables=tables)
    return new_key


def store_key(connection: Connection | Session, new_key: NewKey, *, role: str, subject: str,
              now: datetime, tables: PlatformTables = _STANDALONE) -> None:
    """Insert one key's hash in the caller's transaction (never commits)."""
    connection.execute(insert(tables.api_keys).values(
        key_id=new_key.key_id, key_hash=new_key.key_hash, role=role, subject=subject.strip(),
        created_at=now, revoked_at=None))


def list_keys(connection: Connection | Session, *, tables: PlatformTables = _STANDALONE) -> list[KeyRecord]:
    """All keys of one database, newest first."""
    rows = connection.execute(select(tables.api_keys).order_by(tables.api_keys.c.created_at.desc()))
    return [KeyRecord(r.key_id, r.role, r.subject, r.created_at, r.revoked_at) for r in rows]


def same_subject(a: str, b: str) -> bool:
    """Whether two subjects would read as the same holder (case, width and spacing aside)."""
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return norm(a) == norm(b)


def active_keys_with_subject(connection: Connection | Session, subject: str, *,
                             tables: PlatformTables = _STANDALONE) -> list[KeyRecord]:
    """Unrevoked keys whose subject reads the same as ``subject`` (subjects are labels, not owners)."""
    return [record for record in list_keys(connection, tables=tables)
            if record.revoked_at is None and same_subject(record.subject, subject)]


def revoke_key(engines: Iterable[Engine], *, key_id: str, now: datetime,
               tables: PlatformTables = _STANDALONE) -> int:
    """Mark a key revoked in every given database; returns how many databases knew it."""
    found = 0
    for engine in engines:
        with engine.begin() as connection:
            found += mark_revoked(connection, key_id=key_id, now=now, tables=tables)
    return found


def mark_revoked(connection: Connection | Session, *, key_id: str, now: datetime,
                 tables: PlatformTables = _STANDALONE) -> int:
    """Revoke one key in the caller's transaction; 1 if it was active, else 0."""
    result = connection.execute(
        update(tables.api_keys)
        .where(tables.api_keys.c.key_id == key_id, tables.api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now))
    return 1 if cast(CursorResult[Any], result).rowcount else 0


def authenticate(connection: Connection | Session, token: str, *, tables: PlatformTables = _STANDALONE) -> Principal | None:
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
