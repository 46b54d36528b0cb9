"""Building what a channel sends: texts in the customer's language, the link, one-click score links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy.orm import object_session

from services.survey.brand.settings import brand_in_force
from services.survey.delivery import OutgoingInvitation, ScoreLink
from services.survey.invitations import link_token
from services.survey.models import Customer, Invitation, Trigger
from services.survey.survey_definition import first_score_question, pick_language, text_in
from shared.question_types import scale_of

if TYPE_CHECKING:
    from services.survey.dispatch import DispatchSettings


def survey_links(base_url: str, token: str) -> tuple[str, str]:
    """The survey link and the unsubscribe link of a token."""
    base = base_url.rstrip("/")
    return f"{base}/r/{token}", f"{base}/unsubscribe/{token}"


def build_outgoing(invitation: Invitation, customer: Customer, definition: dict[str, Any], trigger: Trigger | None,
                   *, settings: DispatchSettings, reminder: bool) -> OutgoingInvitation:
    """The message of one invitation, from its pinned version, in the customer's language."""
    language = invitation.language if reminder and invitation.language else pick_language(definition, customer.locale)
    token = link_token(invitation, token_secret=settings.token_secret)
    survey_url, unsubscribe_url = survey_links(settings.public_base_url, token)
    question = first_score_question(definition)
    session = object_session(invitation)
    brand = brand_in_force(session, mail_from="") if session is not None else None
    brand = brand if brand is not None and brand.configured else None
    links: tuple[ScoreLink, ...] = ()
    if question is not None:
        low, high = scale_of(question) or (0, 0)
        links = tuple(ScoreLink(score, f"{survey_url}?{urlencode({'score': score, 'q': question['key']})}")
                      for score in range(low, high + 1))
    return OutgoingInvitation(
        invitation_id=invitation.id, channel=invitation.channel, customer_id=customer.id, email=customer.email,
        phone=customer.phone, language=language, title=text_in(definition["title"], language, definition),
        intro=text_in(definition.get("intro"), language, definition) if definition.get("intro") else "",
        survey_url=survey_url, unsubscribe_url=unsubscribe_url, expires_at=invitation.expires_at.isoformat(),
        reminder=reminder, webhook_url=trigger.webhook_url if trigger else None,
        question_key=question["key"] if question else None,
        question_text=text_in(question["text"], language, definition) if question else None,
        question_type=question["type"] if question else None, score_links=links, brand=brand,
        sender_name=definition.get("sender_name"),
        logo_url=brand.logo_url(settings.public_base_url) if brand is not None else None)
