"""Tables of the notifier service (its own database), one module per concept."""

from __future__ import annotations

from services.notifier.models import alerts, subscriptions  # noqa: F401 - register the tables
from services.notifier.models.base import PLATFORM, Base

__all__ = ["Base", "PLATFORM"]
