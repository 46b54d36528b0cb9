"""Tables of the metrics service (its own database), one module per concept."""

from __future__ import annotations

from services.metrics.models import finance, responses  # noqa: F401 - register the tables
from services.metrics.models.base import PLATFORM, Base

__all__ = ["Base", "PLATFORM"]
