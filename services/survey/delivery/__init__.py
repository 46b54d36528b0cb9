"""Delivery channels: email (SMTP or .eml files), signed webhooks, in-app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.common.delivery_errors import DeliveryError, PermanentDeliveryError

if TYPE_CHECKING:
    from services.survey.brand.settings import BrandView

__all__ = ["DeliveryError", "OutgoingInvitation", "PermanentDeliveryError", "ScoreLink"]


@dataclass(frozen=True)
class ScoreLink:
    """One one-click answer: the score and the link that records it."""

    score: int
    url: str


@dataclass(frozen=True)
class OutgoingInvitation:
    """Everything a channel needs to deliver one invitation (or its reminder)."""

    invitation_id: int
    channel: str
    customer_id: str
    email: str | None
    phone: str | None
    language: str
    title: str
    intro: str
    survey_url: str
    unsubscribe_url: str
    expires_at: str
    reminder: bool = False
    webhook_url: str | None = None
    question_key: str | None = None
    question_text: str | None = None
    question_type: str | None = None
    score_links: tuple[ScoreLink, ...] = field(default_factory=tuple)
    brand: BrandView | None = None  # None: the defaults (sender from SURVEY_MAIL_FROM)
    sender_name: str | None = None  # the survey's own sender name, over the brand's
    logo_url: str | None = None
