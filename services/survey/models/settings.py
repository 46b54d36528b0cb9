"""Service-wide settings admins change through the API (today: the contact budget)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.survey.models.base import Base, UtcDateTime


class ContactSettings(Base):
    """The contact budget in force when an admin has set one (one row, id 1); configuration otherwise."""

    __tablename__ = "contact_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_max_contacts: Mapped[int] = mapped_column(Integer)
    budget_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
