"""Sending one notice: email (SMTP or files), Slack incoming webhook, signed generic webhook."""

from __future__ import annotations

import json
import smtplib
import time
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from services.common.outbound import post_pinned
from services.common.outbox import PermanentDeliveryError
from services.notifier.channels.email_notice import email_message, mail_domain
from services.notifier.channels.render import notice_view
from services.notifier.channels.slack import slack_escape, slack_payload
from services.notifier.channels.url_safety import UnsafeUrlError, check_url
from shared.webhook_signing import signed_headers

__all__ = ["delivery_message_id", "email_message", "send_email", "send_slack", "send_webhook", "slack_escape"]


def delivery_message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID that stays the same on every retry of one delivery, so a receiver can drop repeats."""
    local = "".join(c if c.isalnum() or c in "-_" else "." for c in idempotency_key)
    return f"<{local}@{mail_domain(sender)}>"


def send_email(message: EmailMessage, *, smtp_host: str | None, smtp_port: int, mail_dir: str,
               name: str, timeout: float = 10.0) -> None:
    """Hand the message to SMTP, or write it under ``mail_dir`` when no SMTP server is configured."""
    if smtp_host:
        with smtplib.SMTP(smtp_host, smtp_port, timeout=timeout) as smtp:
            smtp.send_message(message)
        return
    folder = Path(mail_dir)
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    (folder / f"{safe}.eml").write_bytes(message.as_bytes())


def _post(url: str, *, body: bytes, headers: dict[str, str], timeout: float, allow_loopback: bool,
          transport: httpx.BaseTransport | None = None) -> None:
    try:
        checked = check_url(url, allow_loopback=allow_loopback)
    except UnsafeUrlError as exc:
        raise PermanentDeliveryError(f"refused: {exc}") from exc
    with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client:
        reply = post_pinned(client, checked, content=body, headers={"Content-Type": "application/json", **headers})
    if 300 <= reply.status_code < 400:
        raise PermanentDeliveryError(f"redirect {reply.status_code} not followed")
    if reply.status_code in (408, 429) or reply.status_code >= 500:
        raise RuntimeError(f"receiver answered {reply.status_code}")
    if reply.status_code >= 400:
        raise PermanentDeliveryError(f"receiver refused with {reply.status_code}: {reply.text[:200]}")


def send_slack(notice: dict[str, Any], *, url: str, lang: str, timeout: float, allow_loopback: bool,
               transport: httpx.BaseTransport | None = None, tz: str | None = None,
               console_url: str | None = None) -> None:
    """Post the notice to a Slack incoming webhook as Block Kit (``text`` is the notification's line)."""
    payload = slack_payload(notice_view(notice, lang=lang, tz=tz, console_url=console_url))
    _post(url, body=json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers={},
          timeout=timeout, allow_loopback=allow_loopback, transport=transport)


def send_webhook(notice: dict[str, Any], *, url: str, secret: str | Sequence[str], idempotency_key: str, timeout: float,
                 allow_loopback: bool, transport: httpx.BaseTransport | None = None,
                 now: float | None = None) -> None:
    """POST the notice as JSON, signed by Standard Webhooks (the idempotency key is the ``webhook-id``);
    with several secrets (a rotation), signed by each."""
    body = json.dumps(notice, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = int(now if now is not None else time.time())
    _post(url, body=body, timeout=timeout, allow_loopback=allow_loopback, transport=transport,
          headers={"Idempotency-Key": idempotency_key,
                   **signed_headers(secret, idempotency_key, timestamp, body)})
