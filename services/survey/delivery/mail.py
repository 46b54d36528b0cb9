"""Mail transports: SMTP when a host is configured, otherwise one ``.eml`` file per message."""

from __future__ import annotations

import smtplib
import socket
from datetime import UTC, datetime
from pathlib import Path

from services.survey.delivery import DeliveryError, OutgoingInvitation, PermanentDeliveryError
from services.survey.delivery.email_message import build_email


class SmtpMailer:
    """Sends through an SMTP server; 5xx refusals are permanent, the rest is retried."""

    def __init__(self, host: str, port: int, *, sender: str, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def __call__(self, outgoing: OutgoingInvitation) -> None:
        if not outgoing.email:
            raise PermanentDeliveryError("no email address")
        message = build_email(outgoing, sender=self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = PermanentDeliveryError if all(code >= 500 for code in codes) else DeliveryError
            raise error(f"recipient refused: {codes}") from exc
        except smtplib.SMTPResponseException as exc:
            error = PermanentDeliveryError if exc.smtp_code >= 500 else DeliveryError
            raise error(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise DeliveryError(f"SMTP unavailable: {exc}") from exc


class FileMailer:
    """Writes each message to ``<folder>/<time>-inv<id>.eml`` (demos and development)."""

    def __init__(self, folder: str | Path, *, sender: str) -> None:
        self.folder, self.sender = Path(folder), sender

    def __call__(self, outgoing: OutgoingInvitation) -> None:
        if not outgoing.email:
            raise PermanentDeliveryError("no email address")
        message = build_email(outgoing, sender=self.sender)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        kind = "reminder" if outgoing.reminder else "invitation"
        path = self.folder / f"{stamp}-inv{outgoing.invitation_id}-{kind}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(path)
