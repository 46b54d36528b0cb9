"""API keys through the console: one key on every service, created and revoked over their ``/v1/keys``.

The survey service mints the key; metrics and notifier register the same key, so it works on all
three as the design says. Each step is audited; a service that is down is reported by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.console.audit import Actor, record_change
from services.console.clients import ServiceClients
from services.console.clients.base import ConsoleServiceError, Person, ServiceRefusedError

MINTING_SERVICE = "survey"


@dataclass
class KeyOutcome:
    """What happened on each service: the key (once) and the services that could not be reached."""

    key: dict[str, Any]
    failed: dict[str, str] = field(default_factory=dict)


def list_api_keys(clients: ServiceClients, person: Person) -> list[dict[str, Any]]:
    """The keys as the minting service lists them (newest first)."""
    return clients.survey.list_keys(person)


def create_api_key(session: Session, clients: ServiceClients, person: Person, *, actor: Actor, role: str,
                   subject: str, now: datetime) -> KeyOutcome:
    """Mint a key on survey and register it on metrics and notifier; audited without the secret.

    Raises the minting service's error (nothing was created); a later service's error is reported
    in ``failed`` (the key works where it was registered; revoke it or register again).
    """
    created = clients.survey.create_key(person, role=role, subject=subject)
    outcome = KeyOutcome(key=created)
    for name, client in clients.by_service().items():
        if name == MINTING_SERVICE:
            continue
        try:
            client.create_key(person, role=role, subject=subject, key=created["key"])
        except ConsoleServiceError as error:
            outcome.failed[name] = error.message
    record_change(session, actor=actor, action="key.created", target=f"key:{created['key_id']}", now=now,
                  details={"role": role, "subject": subject, "not_registered_on": sorted(outcome.failed)})
    session.commit()
    return outcome


def revoke_api_key(session: Session, clients: ServiceClients, person: Person, *, actor: Actor, key_id: str,
                   now: datetime) -> dict[str, str]:
    """Revoke a key on every service; returns the services where it failed (name -> reason)."""
    failed: dict[str, str] = {}
    revoked_somewhere = False
    for name, client in clients.by_service().items():
        try:
            client.revoke_key(person, key_id)
            revoked_somewhere = True
        except ConsoleServiceError as error:
            if isinstance(error, ServiceRefusedError) and error.status in (401, 403):
                raise  # the service refuses this person: nothing to report per service
            if getattr(error, "status", None) == 404 and name != MINTING_SERVICE:
                continue  # never registered there: nothing to revoke
            failed[name] = error.message
    if revoked_somewhere:
        record_change(session, actor=actor, action="key.revoked", target=f"key:{key_id}", now=now,
                      details={"not_revoked_on": sorted(failed)})
        session.commit()
    return failed
