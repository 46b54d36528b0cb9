"""Use cases of webhook endpoints: register, list, change, delete, rotate the signing secret."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url
from services.survey.models.webhooks import WebhookEndpoint
from services.survey.webhooks.errors import InvalidWebhookEndpointError, WebhookEndpointNotFoundError
from shared.webhook_signing import generate_secret

UrlCheck = Callable[..., Any]


def _checked_url(url: str, *, allow_private: bool, check: UrlCheck = check_webhook_url) -> str:
    """The URL if it passes the check every cxloop webhook URL gets (422 otherwise)."""
    try:
        check(url, allow_private=allow_private)
    except UnsafeUrlError as exc:
        raise InvalidWebhookEndpointError(f"url refused: {exc}", errors={"url": [str(exc)]}) from exc
    return url


def _event_types(kinds: list[str] | None) -> list[str] | None:
    return None if kinds is None else list(dict.fromkeys(kinds))


def create_endpoint(session: Session, *, fields: dict[str, Any], now: datetime,
                    allow_private: bool) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its new ``whsec_`` secret (shown this once)."""
    secret = generate_secret()
    endpoint = WebhookEndpoint(
        url=_checked_url(fields["url"], allow_private=allow_private), description=fields.get("description"),
        event_types=_event_types(fields.get("event_types")), enabled=fields.get("enabled", True), secret=secret,
        created_at=now, updated_at=now)
    session.add(endpoint)
    session.commit()
    return endpoint, secret


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    """Every endpoint, oldest first."""
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint (404 when absent)."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise WebhookEndpointNotFoundError(f"no webhook endpoint {endpoint_id}")
    return endpoint


def update_endpoint(session: Session, *, endpoint_id: int, changes: dict[str, Any], now: datetime,
                    allow_private: bool) -> WebhookEndpoint:
    """Change the URL, description, event filter or ``enabled`` (false stops sending, queued ones too)."""
    endpoint = get_endpoint(session, endpoint_id)
    if "url" in changes:
        endpoint.url = _checked_url(changes["url"], allow_private=allow_private)
    if "description" in changes:
        endpoint.description = changes["description"]
    if "event_types" in changes:
        endpoint.event_types = _event_types(changes["event_types"])
    if "enabled" in changes:
        endpoint.enabled = changes["enabled"]
    endpoint.updated_at = now
    session.commit()
    return endpoint


def delete_endpoint(session: Session, *, endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log; what was queued for it is dropped when its turn comes."""
    session.delete(get_endpoint(session, endpoint_id))
    session.commit()


def rotate_secret(session: Session, *, endpoint_id: int, overlap: timedelta, now: datetime) -> tuple[WebhookEndpoint, str]:
    """A new secret signs from now on; the current one keeps signing beside it for ``overlap``.

    A rotation during an overlap drops the oldest secret: at most two sign at any time.
    """
    endpoint = get_endpoint(session, endpoint_id)
    secret = generate_secret()
    if overlap > timedelta(0):
        endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, now + overlap
    else:
        endpoint.previous_secret, endpoint.previous_secret_expires_at = None, None
    endpoint.secret, endpoint.secret_rotated_at, endpoint.updated_at = secret, now, now
    session.commit()
    return endpoint, secret


def signing_secrets(endpoint: Any, now: datetime) -> list[str]:
    """The secrets that sign a message sent now: the current one, and the old one during its overlap.

    ``endpoint`` is a ``WebhookEndpoint`` or a row of its table."""
    live = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        live.append(endpoint.previous_secret)
    return live


def subscribes(endpoint: WebhookEndpoint, event_type: str) -> bool:
    """Whether the endpoint's filter takes this event type (no filter: every type)."""
    return endpoint.event_types is None or event_type in endpoint.event_types
