"""Overdue cases: the worker reminds the assignee of each overdue case once, by email.

The job claims overdue, unreminded, assigned cases (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
workers never take the same case), marks them reminded, writes a ``reminded`` history entry and an outbox
message (idempotency key ``case-remind:<id>``) in one transaction; the relay sends the email. Unassigned
overdue cases are listed as overdue and reminded to nobody; a case assigned after it became overdue is
reminded then. A case is reminded once in its life, reopened or reassigned or not.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services.common.outbox import Handler, OutboxMessage, PermanentDeliveryError, enqueue, single
from services.notifier.channels.senders import delivery_message_id, send_email
from services.notifier.channels.wording import language_of, metric_name, time_of_day, words_for
from services.notifier.models.base import PLATFORM
from services.notifier.models.cases import Case, CaseEvent
from shared.contracts.cases import SYSTEM_ACTOR, CaseEventKind
from shared.contracts.fields import one_line
from shared.statuses import ACTIVE_CASE_STATUSES

DESTINATION = "case_email"
TOPIC = "case.reminder"


def reminder_key(case_id: int) -> str:
    """The outbox idempotency key of a case's one reminder."""
    return f"case-remind:{case_id}"


def remind_overdue(session: Session, *, now: datetime, limit: int = 100) -> int:
    """Queue the reminder of up to ``limit`` overdue assigned cases not reminded yet; commit; return how many."""
    cases = list(session.scalars(
        select(Case).where(Case.status.in_([s.value for s in ACTIVE_CASE_STATUSES]), Case.due_at < now,
                           Case.reminded_at.is_(None), Case.assignee_id.is_not(None))
        .order_by(Case.due_at, Case.id).limit(limit).with_for_update(skip_locked=True, of=Case)))
    for case in cases:
        assignee = dict(case.assignee or {})
        case.reminded_at = now
        session.add(CaseEvent(case_id=case.id, at=now, actor=SYSTEM_ACTOR, kind=CaseEventKind.REMINDED.value,
                              assignee=assignee, text=None, outcome=None))
        enqueue(session, PLATFORM, topic=TOPIC, destination=DESTINATION,
                payload={"case_id": case.id, "assignee_id": case.assignee_id, "to": assignee.get("email"),
                         "lang": language_of(assignee.get("lang")), "time_zone": assignee.get("time_zone") or "UTC"},
                idempotency_key=reminder_key(case.id), now=now)
    session.commit()
    return len(cases)


def reminder_message(case: dict[str, Any], *, to: str, lang: str, sender: str, console_url: str | None,
                     sent_at: datetime, message_id: str, time_zone: str = "UTC") -> EmailMessage:
    """The reminder email: which case, what the playbook says to do, when it was due, and its link."""
    words = words_for(lang)
    touchpoint = case.get("touchpoint") or words["no_touchpoint"]
    values = {"case": f"#{case['id']}", "metric": metric_name(case.get("metric"), lang), "score": case.get("score"),
              "touchpoint": touchpoint, "due": time_of_day(case.get("due_at"), lang, time_zone)}
    lines = [words["reminder_body"].format(**values), "",
             f"{words['customer']}: {case.get('customer_id') or '-'}", f"{words['touchpoint']}: {touchpoint}",
             f"{words['case_due']}: {values['due']}"]
    instruction = ((case.get("playbook") or {}).get("instruction") or {}).get(lang)
    if instruction:
        lines.append(f"{words['playbook']}: {instruction}")
    if console_url:
        lines += ["", f"{words['open_case']}: {console_url.rstrip('/')}/cases/{case['id']}"]
    message = EmailMessage()
    message["Subject"] = one_line(words["reminder_subject"].format(**values))
    message["From"], message["To"] = sender, to
    message["Date"], message["Message-ID"] = format_datetime(sent_at), message_id
    message.set_content("\n".join(lines), charset="utf-8")
    message["Content-Language"] = lang
    return message


def reminder_handler(config, engine: Engine, *, clock) -> Handler:
    """The outbox handler of ``case_email``: reads the case at send time; a case resolved or given to
    someone else meanwhile is not reminded (a dead letter that says why)."""
    def deliver(message: OutboxMessage) -> None:
        with engine.connect() as connection:  # the relay holds no transaction while handlers run
            row = connection.execute(select(Case.__table__).where(Case.id == message.payload["case_id"])).first()
        if row is None:
            raise PermanentDeliveryError("the case no longer exists")
        if row.status not in ACTIVE_CASE_STATUSES or row.assignee_id != message.payload["assignee_id"]:
            raise PermanentDeliveryError("the case was resolved or reassigned before its reminder went out")
        case = {**row._mapping, "due_at": row.due_at.isoformat()}
        mail = reminder_message(case, to=message.payload["to"], lang=message.payload["lang"], sender=config.MAIL_FROM,
                                console_url=config.CONSOLE_URL, sent_at=clock.now(),
                                time_zone=message.payload.get("time_zone") or "UTC",
                                message_id=delivery_message_id(message.idempotency_key, config.MAIL_FROM))
        send_email(mail, smtp_host=config.SMTP_HOST, smtp_port=config.SMTP_PORT, mail_dir=config.MAIL_DIR,
                   name=message.idempotency_key)
    return single(deliver)
