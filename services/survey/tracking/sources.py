"""Sources: the options of one write key (an ``ingest`` API key), and the signature check of the path
Segment's Webhooks (Actions) destination posts to.

A source without a row has the defaults: transactions recorded, no default currency, no webhook.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.exceptions import NotFoundError
from services.survey.models import PLATFORM, TrackingSource
from shared.auth import Principal, Role

WEBHOOK_PATH = "/v1/tracking/webhooks/{key_id}"


@dataclass(frozen=True)
class SourceOptions:
    """What ingestion needs to know about a source."""

    key_id: str
    record_transactions: bool = True
    default_currency: str | None = None
    webhook_enabled: bool = False
    updated_at: datetime | None = None

    def reply(self) -> dict:
        """The ``TrackingSourceReplySchema`` document."""
        return {"key_id": self.key_id, "record_transactions": self.record_transactions,
                "default_currency": self.default_currency, "webhook_enabled": self.webhook_enabled,
                "webhook_path": WEBHOOK_PATH.format(key_id=self.key_id), "updated_at": self.updated_at}


def _options(key_id: str, row: TrackingSource | None) -> SourceOptions:
    if row is None:
        return SourceOptions(key_id=key_id)
    return SourceOptions(key_id=key_id, record_transactions=row.record_transactions,
                         default_currency=row.default_currency, webhook_enabled=row.webhook_secret is not None,
                         updated_at=row.updated_at)


def _ingest_key(session: Session, key_id: str):
    keys = PLATFORM.api_keys
    return session.execute(select(keys.c.key_id, keys.c.role, keys.c.subject, keys.c.revoked_at)
                           .where(keys.c.key_id == key_id)).first()


def get_source(session: Session, key_id: str) -> SourceOptions:
    """The options of the source whose write key has id ``key_id`` (404 unless it is an ingest key)."""
    key = _ingest_key(session, key_id)
    if key is None or key.role != Role.INGEST.value:
        raise NotFoundError(f"no ingest key (write key) with id {key_id[:40]!r}")
    return _options(key_id, session.get(TrackingSource, key_id))


def source_options(session: Session, key_id: str) -> SourceOptions:
    """The options ingestion applies for ``key_id`` (the defaults when none were set)."""
    return _options(key_id, session.get(TrackingSource, key_id))


def put_source(session: Session, *, key_id: str, record_transactions: bool, default_currency: str | None,
               webhook_secret: str | None, now: datetime, by: str) -> SourceOptions:
    """Set a source's options; commits."""
    get_source(session, key_id)
    row = session.get(TrackingSource, key_id)
    if row is None:
        row = TrackingSource(key_id=key_id)
        session.add(row)
    row.record_transactions, row.default_currency = record_transactions, default_currency
    row.webhook_secret, row.updated_at, row.updated_by = webhook_secret, now, by
    session.commit()
    return _options(key_id, row)


def signature(secret: str, body: bytes) -> str:
    """What Segment's Webhooks (Actions) destination sends in ``X-Signature``: hex HMAC-SHA1 of the body."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


def webhook_principal(session: Session, *, key_id: str, body: bytes, signature_header: str | None) -> Principal | None:
    """The source's principal when ``X-Signature`` matches its secret and its key is active; else None."""
    row = session.get(TrackingSource, key_id) if len(key_id) <= 64 else None
    if row is None or row.webhook_secret is None or not signature_header:
        return None
    if not hmac.compare_digest(signature(row.webhook_secret, body), signature_header.strip().lower()):
        return None
    key = _ingest_key(session, key_id)
    if key is None or key.revoked_at is not None or key.role != Role.INGEST.value:
        return None
    return Principal(key_id=key.key_id, role=key.role, subject=key.subject)
