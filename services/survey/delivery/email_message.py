"""The invitation email: HTML built for mail clients (table layout, inline styles, the brand's logo
served by cxloop the only image) with a plain-text alternative, in the customer's language, one-click
score links named with the same end words as the response page, and RFC 8058 one-click unsubscribe
headers."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.survey.brand.settings import BrandView, default_brand
from services.survey.delivery import OutgoingInvitation
from services.survey.delivery.email_text import email_text
from shared.contracts.brand import AA_TEXT, WHITE, contrast_ratio
from shared.contracts.fields import one_line
from shared.question_types import REGISTRY

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "email"
_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                           trim_blocks=False, keep_trailing_newline=True)
BODY_TEXT = "#1b1f24"


def scale_ends(outgoing: OutgoingInvitation) -> tuple[str, str] | None:
    """``("0 = ...", "10 = ...")``: the words the response page shows at the ends of the same scale (the
    question type's own, ``QuestionType.scale_labels``), None when the type has none (the page shows none)."""
    kind = REGISTRY.get(outgoing.question_type or "")
    words = kind.scale_labels(outgoing.language) if kind is not None else None
    if words is None or not outgoing.score_links:
        return None
    return (f"{outgoing.score_links[0].score} = {words[0]}", f"{outgoing.score_links[-1].score} = {words[1]}")


def subject_of(outgoing: OutgoingInvitation) -> str:
    """The subject line (a title stored before line breaks were refused still makes a valid header)."""
    title = one_line(outgoing.title)
    return f"[{email_text(outgoing.language)['reminder']}] {title}" if outgoing.reminder else title


def _context(outgoing: OutgoingInvitation, brand: BrandView) -> dict[str, Any]:
    words = email_text(outgoing.language)
    ends = scale_ends(outgoing)
    labels = {0: ends[0], len(outgoing.score_links) - 1: ends[1]} if ends else {}
    preheader = outgoing.question_text or outgoing.intro or outgoing.title
    if outgoing.reminder:
        preheader = words["preheader_reminder"].format(text=preheader)
    colour = brand.primary_color
    return {
        "lang": outgoing.language, "t": {**words, "why": words["why"].format(brand=brand.name)},
        "title": outgoing.title, "intro": outgoing.intro, "question": outgoing.question_text,
        "reminder": outgoing.reminder, "preheader": preheader, "ends": ends,
        "links": [{"score": link.score, "url": link.url, "label": labels.get(index, str(link.score))}
                  for index, link in enumerate(outgoing.score_links)],
        "survey_url": outgoing.survey_url, "unsubscribe_url": outgoing.unsubscribe_url,
        "brand_name": brand.name, "colour": colour, "ink": brand.text_on_primary,
        "link_colour": colour if contrast_ratio(colour, WHITE) >= AA_TEXT else BODY_TEXT,
        "logo_url": outgoing.logo_url, "logo_width": brand.logo_width, "logo_height": brand.logo_height,
        "footer": brand.footer_in(outgoing.language),
    }


def plain_body(outgoing: OutgoingInvitation, brand: BrandView | None = None) -> str:
    """The text/plain part."""
    context = _context(outgoing, brand or outgoing.brand or default_brand(""))
    return _ENVIRONMENT.get_template("invitation.txt").render(context)


def html_body(outgoing: OutgoingInvitation, brand: BrandView | None = None) -> str:
    """The text/html part (inline styles only; mail clients drop style sheets)."""
    context = _context(outgoing, brand or outgoing.brand or default_brand(""))
    return _ENVIRONMENT.get_template("invitation.html").render(context)


def build_email(outgoing: OutgoingInvitation, *, sender: str) -> EmailMessage:
    """The complete MIME message (multipart/alternative); ``sender`` (``SURVEY_MAIL_FROM``) applies
    while no brand is set."""
    if not outgoing.email:
        raise ValueError("no recipient address")
    brand = outgoing.brand or default_brand(sender)
    message = EmailMessage()
    message["From"] = Address(display_name=one_line(outgoing.sender_name or brand.sender_name),
                              addr_spec=brand.sender_address)
    message["To"] = outgoing.email
    if brand.reply_to:
        message["Reply-To"] = brand.reply_to
    message["Subject"] = subject_of(outgoing)
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(brand.sender_address)[1].rpartition("@")[2] or "cxloop.invalid"
    kind = "rem" if outgoing.reminder else "inv"
    message["Message-ID"] = make_msgid(idstring=f"{kind}{outgoing.invitation_id}", domain=domain)
    message["X-Cx-Invitation"] = str(outgoing.invitation_id)
    message["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(plain_body(outgoing, brand), charset="utf-8")
    message.add_alternative(html_body(outgoing, brand), subtype="html", charset="utf-8")
    message["Content-Language"] = outgoing.language  # after the parts: set_content moves Content-* headers
    return message
