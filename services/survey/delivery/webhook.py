"""Webhook delivery (SMS and messaging gateways): a signed JSON POST, no redirects followed.

Signed as every cxloop webhook is, by Standard Webhooks (``shared/webhook_signing.py``): the
``webhook-id`` is the invitation's delivery id, the same on every retry.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

import httpx

from services.common.outbound import post_pinned
from services.survey.delivery import DeliveryError, OutgoingInvitation, PermanentDeliveryError
from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url
from shared.webhook_signing import signed_headers

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


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
    """POSTs signed invitations; the URL is checked again at send time. Several secrets (a rotation):
    each signs every message."""

    def __init__(self, *, secret: str | Sequence[str], allow_private: bool, timeout: float = 5.0,
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
        kind = "reminder" if outgoing.reminder else "invitation"
        message_id = f"survey-{kind}-{outgoing.invitation_id}"
        headers = {"Content-Type": "application/json", "Idempotency-Key": message_id,
                   **signed_headers(self.secret, message_id, int(self.clock()), body)}
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
