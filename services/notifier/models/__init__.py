"""Tables of the notifier service (its own database), one module per concept."""

from __future__ import annotations

from services.notifier.models import alerts, cases, subscriptions  # noqa: F401 - register the tables
from services.notifier.models.base import PLATFORM, Base
from services.notifier.models.cases import Case, CaseEvent, Playbook

__all__ = ["Base", "PLATFORM", "Case", "CaseEvent", "Playbook"]
