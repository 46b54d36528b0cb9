"""Helpers of the tracking tests: Segment-shaped messages and calls with a write key."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime
from typing import Any

from tests.survey.conftest import T0


def basic(write_key: str) -> dict[str, str]:
    """HTTP Basic with the write key as user name and an empty password, as the SDKs send it."""
    return {"Authorization": "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()}


def track(message_id: str, event: str = "Order Delivered", *, user: str = "u1", at: datetime = T0,
          **properties: Any) -> dict[str, Any]:
    """A track call."""
    return {"type": "track", "messageId": message_id, "userId": user, "event": event,
            "properties": properties or {"order_id": "o-1"}, "timestamp": at.isoformat(),
            "context": {"library": {"name": "analytics-python", "version": "2.4.0"}}}


def identify(message_id: str, *, user: str = "u1", **traits: Any) -> dict[str, Any]:
    """An identify call with Korean locale and Seoul time in its context."""
    return {"type": "identify", "messageId": message_id, "userId": user,
            "traits": traits or {"email": f"{user}@example.com", "name": "Kim"},
            "context": {"locale": "ko-KR", "timezone": "Asia/Seoul"}, "timestamp": T0.isoformat()}


def post_batch(survey_app, messages: list[dict], *, key: str | None = None, gzipped: bool = False,
               sent_at: datetime | None = T0, **extra: Any):
    """POST /v1/batch with the ingest key as HTTP Basic user."""
    body: dict[str, Any] = {"batch": messages, **extra}
    if sent_at is not None:
        body["sentAt"] = sent_at.isoformat()
    data = json.dumps(body).encode()
    headers = {**basic(key or survey_app.key("ingest")), "Content-Type": "application/json"}
    if gzipped:
        data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
    return survey_app.client().post("/v1/batch", data=data, headers=headers)
