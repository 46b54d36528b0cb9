"""Sending one notice: email (SMTP or files), Slack incoming webhook, signed generic webhook."""

from __future__ import annotations

import html
import json
import smtplib
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

import httpx

from services.common.outbound import post_pinned
from services.common.outbox import PermanentDeliveryError
from services.notifier.channels.chart import trend_png
from services.notifier.channels.render import body_lines, subject, words_for
from services.notifier.channels.url_safety import UnsafeUrlError, check_url
from shared.webhook_signing import signed_headers


def mail_domain(sender: str) -> str:
    """The domain of the sender's address (``cxloop.invalid`` when it has none)."""
    return parseaddr(sender)[1].rpartition("@")[2] or "cxloop.invalid"


def delivery_message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID that stays the same on every retry of one delivery, so a receiver can drop repeats."""
    local = "".join(c if c.isalnum() or c in "-_" else "." for c in idempotency_key)
    return f"<{local}@{mail_domain(sender)}>"


def email_message(notice: dict[str, Any], *, to: str, sender: str, lang: str, unsubscribe_url: str,
                  message_id: str | None = None, sent_at: datetime | None = None) -> EmailMessage:
    """The email of a notice: text and HTML parts, the trend chart inline, one-click unsubscribe headers.

    ``Date`` is ``sent_at`` (default now) and ``Message-ID`` is ``message_id`` (default a new one),
    as RFC 5322 asks of every message.
    """
    words = words_for(lang)
    lines = body_lines(notice, lang)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject(notice, lang), sender, to
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain=mail_domain(sender))
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content("\n".join(lines + ["", f"{words['unsubscribe']}: {unsubscribe_url}"]))
    chart = trend_png(notice.get("trend") or [])
    cid = make_msgid(domain="cxloop.invalid")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    image = f'<p><img src="cid:{cid[1:-1]}" alt="trend" width="360" height="140"></p>' if chart else ""
    message.add_alternative(
        f"<html><body>{paragraphs}{image}<p style=\"font-size:12px;color:#666\">"
        f"<a href=\"{html.escape(unsubscribe_url)}\">{html.escape(words['unsubscribe'])}</a></p></body></html>",
        subtype="html")
    if chart:
        message.get_payload()[1].add_related(chart, maintype="image", subtype="png", cid=cid,
                                             filename="trend.png")
    return message


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


def slack_escape(text: str) -> str:
    """Escape the three characters Slack reads as control sequences (``<!channel>``, ``<url|label>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(notice: dict[str, Any], lang: str) -> str:
    """The Slack message text: every line escaped, since names, comments and answers come from users."""
    lines = [slack_escape(line) for line in body_lines(notice, lang)]
    return "*" + lines[0] + "*\n" + "\n".join(line for line in lines[1:] if line)


def send_slack(notice: dict[str, Any], *, url: str, lang: str, timeout: float, allow_loopback: bool,
               transport: httpx.BaseTransport | None = None) -> None:
    """Post a readable message to a Slack incoming webhook."""
    text = slack_text(notice, lang)
    _post(url, body=json.dumps({"text": text}, ensure_ascii=False).encode("utf-8"), headers={},
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
