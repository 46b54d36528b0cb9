"""Webhook delivery (SMS and messaging gateways): a signed JSON POST, no redirects followed.

Signature: ``X-Cx-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` with the
Unix time in ``X-Cx-Timestamp``; receivers recompute it and reject old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx

from services.survey.delivery import DeliveryError, OutgoingInvitation, PermanentDeliveryError
from services.common.outbound import post_pinned
from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value of a body sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: float = 300.0) -> bool:
    """Whether a signature is valid and its timestamp recent (for receivers and tests)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload_of(outgoing: OutgoingInvitation) -> dict:
    """The JSON body a gateway receives."""
    return {
        "type": "survey.reminder" if outgoing.reminder else "survey.invitation",
        "invitation_id": outgoing.invitation_id,
        "customer": {"id": outgoing.customer_id, "email": outgoing.email, "phone": outgoing.phone},
        "language": outgoing.language, "title": outgoing.title, "intro": outgoing.intro,
        "survey_url": outgoing.survey_url, "unsubscribe_url": outgoing.unsubscribe_url,
        "expires_at": outgoing.expires_at,
        "question": None if outgoing.question_key is None else {
            "key": outgoing.question_key, "type": outgoing.question_type, "text": outgoing.question_text,
            "answers": [{"score": link.score, "url": link.url} for link in outgoing.score_links]},
    }


class WebhookSender:
    """POSTs signed invitations; the URL is checked again at send time."""

    def __init__(self, *, secret: str, allow_private: bool, timeout: float = 5.0,
                 clock: Callable[[], float] = time.time, transport: httpx.BaseTransport | None = None) -> None:
        self.secret, self.allow_private, self.clock = secret, allow_private, clock
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)

    def __call__(self, outgoing: OutgoingInvitation) -> None:
        if not outgoing.webhook_url:
            raise PermanentDeliveryError("the trigger has no webhook URL")
        try:
            checked = check_webhook_url(outgoing.webhook_url, allow_private=self.allow_private)
        except UnsafeUrlError as exc:
            raise PermanentDeliveryError(f"webhook URL refused: {exc}") from exc
        body = json.dumps(payload_of(outgoing), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = str(int(self.clock()))
        kind = "reminder" if outgoing.reminder else "invitation"
        headers = {"Content-Type": "application/json", "X-Cx-Timestamp": timestamp,
                   "X-Cx-Signature": sign(self.secret, timestamp, body),
                   "Idempotency-Key": f"survey-{kind}-{outgoing.invitation_id}"}
        try:
            reply = post_pinned(self.client, checked, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook unreachable: {type(exc).__name__}: {exc}") from exc
        if 200 <= reply.status_code < 300:
            return
        if reply.status_code in RETRYABLE:
            raise DeliveryError(f"webhook answered {reply.status_code}")
        raise PermanentDeliveryError(f"webhook answered {reply.status_code}")


def in_app_sender(outgoing: OutgoingInvitation) -> None:
    """In-app invitations are delivered by being listed in ``pending-surveys``: nothing to send."""
