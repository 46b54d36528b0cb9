"""The metrics app of the score tests: a manual clock a day after T0, a service key, a test client.

Test modules that need another clock define their own ``metrics`` fixture, which takes precedence.
"""

from __future__ import annotations

import pytest

from services.common.clock import ManualClock
from tests.metrics.scores_support import NOW


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    service.service_key = service.key_for("service")
    return service
