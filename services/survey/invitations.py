"""Invitation use cases: the decision log, listings for marketers, in-app pending surveys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.survey.exceptions import InvitationNotFoundError
from services.survey.models import Invitation, InvitationDecision, SurveyVersion
from services.survey.survey_definition import text_in
from services.survey.tokens import derive_token, hash_token, new_nonce
from shared.channels import InvitationChannel
from shared.statuses import InvitationStatus


def record_decision(session: Session, invitation: Invitation, *, decision: str, reason: str | None,
                    now: datetime, status: str | None = None) -> None:
    """Log one decision (and optionally set the invitation's status and reason); never commits."""
    if status is not None:
        invitation.status = status
    invitation.reason = reason if reason is not None else decision
    invitation.updated_at = now
    if invitation.id is None:
        session.add(invitation)
        session.flush()
    session.add(InvitationDecision(invitation_id=invitation.id, decision=decision,
                                   reason=reason, at=now))


def attach_token(invitation: Invitation, *, token_secret: str) -> None:
    """Give the invitation a fresh link nonce and the hash of the token it derives."""
    invitation.token_nonce = new_nonce()
    invitation.token_hash = hash_token(derive_token(token_secret, invitation.token_nonce))


def link_token(invitation: Invitation, *, token_secret: str | Sequence[str]) -> str:
    """The plaintext link token of an invitation (derived, never stored).

    With several secrets (rotation, current first) the one that made the stored hash derives it,
    so a reminder after a rotation repeats the link the customer already has.
    """
    if not invitation.token_nonce:
        raise InvitationNotFoundError(f"invitation {invitation.id} has no link")
    secrets = (token_secret,) if isinstance(token_secret, str) else tuple(token_secret)
    for secret in secrets:
        token = derive_token(secret, invitation.token_nonce)
        if hash_token(token) == invitation.token_hash:
            return token
    return derive_token(secrets[0], invitation.token_nonce)


def get_invitation(session: Session, invitation_id: int) -> Invitation:
    """The invitation (raises ``InvitationNotFoundError``)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise InvitationNotFoundError(f"no invitation {invitation_id}")
    return invitation


def decisions_of(session: Session, invitation_id: int) -> list[InvitationDecision]:
    """Every decision about an invitation, oldest first."""
    return list(session.scalars(select(InvitationDecision).where(InvitationDecision.invitation_id == invitation_id)
                                .order_by(InvitationDecision.id)))


def list_invitations(session: Session, *, customer_id: str | None = None, survey_id: int | None = None,
                     trigger_id: int | None = None, status: str | None = None, channel: str | None = None,
                     created_from: datetime | None = None, created_to: datetime | None = None,
                     limit: int = 100, offset: int = 0) -> list[Invitation]:
    """Invitations, newest first, filtered."""
    query = select(Invitation).order_by(Invitation.id.desc()).limit(limit).offset(offset)
    filters: list[Any] = []
    if customer_id is not None:
        filters.append(Invitation.customer_id == customer_id)
    if survey_id is not None:
        filters.append(Invitation.survey_id == survey_id)
    if trigger_id is not None:
        filters.append(Invitation.trigger_id == trigger_id)
    if status is not None:
        filters.append(Invitation.status == status)
    if channel is not None:
        filters.append(Invitation.channel == channel)
    if created_from is not None:
        filters.append(Invitation.created_at >= created_from)
    if created_to is not None:
        filters.append(Invitation.created_at < created_to)
    return list(session.scalars(query.where(*filters)))


@dataclass(frozen=True)
class PendingSurvey:
    """An in-app survey waiting for the customer."""

    invitation_id: int
    survey_id: int
    survey_version: int
    title: str
    language: str
    url: str
    expires_at: datetime


def pending_surveys(session: Session, *, customer_id: str, now: datetime, public_base_url: str,
                    token_secret: str | Sequence[str]) -> list[PendingSurvey]:
    """In-app invitations sent to the customer, unanswered and not expired, most important first."""
    rows = session.execute(
        select(Invitation, SurveyVersion.definition)
        .join(SurveyVersion, (SurveyVersion.survey_id == Invitation.survey_id)
              & (SurveyVersion.version == Invitation.survey_version))
        .where(Invitation.customer_id == customer_id, Invitation.channel == InvitationChannel.IN_APP,
               Invitation.status == InvitationStatus.SENT, Invitation.responded_at.is_(None),
               Invitation.expires_at > now)
        .order_by(Invitation.priority.desc(), Invitation.sent_at))
    pending = []
    for invitation, definition in rows:
        language = invitation.language or definition["default_language"]
        token = link_token(invitation, token_secret=token_secret)
        pending.append(PendingSurvey(invitation.id, invitation.survey_id, invitation.survey_version,
                                     text_in(definition["title"], language, definition), language,
                                     f"{public_base_url.rstrip('/')}/r/{token}", invitation.expires_at))
    return pending
