"""Reading and storing the brand; while no admin has set one, the defaults below apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formataddr, parseaddr

from sqlalchemy.orm import Session

from services.survey.models.brand import Brand
from shared.contracts.brand import ink_on

BRAND_ROW = 1
DEFAULT_NAME = "cxloop"
DEFAULT_COLOUR = "#0b57d0"
LOGO_PATH = "/brand/logo"


@dataclass(frozen=True)
class BrandView:
    """The brand in force, as the email, the page and the API use it."""

    configured: bool
    name: str
    primary_color: str
    sender_name: str
    sender_address: str
    reply_to: str | None = None
    footer: dict[str, str] = field(default_factory=dict)
    logo_hash: str | None = None
    logo_width: int | None = None
    logo_height: int | None = None
    updated_at: datetime | None = None

    @property
    def text_on_primary(self) -> str:
        """White or black, whichever reads better on the primary colour."""
        return ink_on(self.primary_color)

    def logo_url(self, base_url: str) -> str | None:
        """The public logo URL (its hash in the query, so a new logo is never served from a cache)."""
        if not self.logo_hash:
            return None
        return f"{base_url.rstrip('/')}{LOGO_PATH}?v={self.logo_hash[:16]}"

    def sender(self, name: str | None = None) -> str:
        """The From header: ``name`` (a survey's override) or the brand's sender name, and its address."""
        return formataddr((name or self.sender_name, self.sender_address))

    def footer_in(self, language: str) -> str:
        """The footer line in the language, else English, else any; empty when there is none."""
        base = language.split("-")[0]
        return self.footer.get(base) or self.footer.get("en") or next(iter(self.footer.values()), "")


def default_brand(mail_from: str) -> BrandView:
    """The brand while none is stored: sender from ``SURVEY_MAIL_FROM``."""
    name, address = parseaddr(mail_from)
    return BrandView(configured=False, name=DEFAULT_NAME, primary_color=DEFAULT_COLOUR,
                     sender_name=name or DEFAULT_NAME, sender_address=address or "surveys@cxloop.invalid")


def brand_in_force(session: Session, *, mail_from: str) -> BrandView:
    """The stored brand, or the defaults."""
    row = session.get(Brand, BRAND_ROW)
    if row is None:
        return default_brand(mail_from)
    return BrandView(configured=True, name=row.name, primary_color=row.primary_color, sender_name=row.sender_name,
                     sender_address=row.sender_address, reply_to=row.reply_to, footer=dict(row.footer or {}),
                     logo_hash=row.logo_hash, logo_width=row.logo_width, logo_height=row.logo_height,
                     updated_at=row.updated_at)


def store_brand(session: Session, values: dict, *, by: str, now: datetime) -> None:
    """Set name, colour, sender, reply-to and footer (checked by ``BrandUpdateSchema``); the logo stays."""
    row = session.get(Brand, BRAND_ROW)
    if row is None:
        row = Brand(id=BRAND_ROW)
        session.add(row)
    row.name, row.primary_color = values["name"], values["primary_color"].lower()
    row.sender_name, row.sender_address = values["sender_name"], values["sender_address"]
    row.reply_to, row.footer = values.get("reply_to"), dict(values.get("footer") or {})
    row.updated_at, row.updated_by = now, by
    session.commit()
