"""The organisation's brand (one row, id 1; defaults apply while there is none)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import Base, JsonDoc, UtcDateTime


class Brand(Base):
    """Name, colour, sender, footer texts and the re-encoded logo (served at ``/brand/logo``)."""

    __tablename__ = "brand"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    primary_color: Mapped[str] = mapped_column(String(7))
    sender_name: Mapped[str] = mapped_column(String(100))
    sender_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    footer: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    logo_hash: Mapped[str | None] = mapped_column(String(64))
    logo_width: Mapped[int | None] = mapped_column(Integer)
    logo_height: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
