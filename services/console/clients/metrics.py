"""The metrics service as the console sees it (scores, churn, CLV: added by the dashboard pages)."""

from __future__ import annotations

from services.console.clients.customer_calls import CustomerValueCalls
from services.console.clients.metrics_finance import FinanceCalls
from services.console.clients.metrics_scores import ScoreCalls
from services.console.clients.platform import PlatformClient


class MetricsClient(ScoreCalls, CustomerValueCalls, FinanceCalls, PlatformClient):
    """Scores, comparisons, keywords, churn, retention and CLV (metrics service)."""
