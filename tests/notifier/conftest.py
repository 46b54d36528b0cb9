"""Fixtures of the notifier tests: the app on both databases with a manual clock."""

from __future__ import annotations

import pytest

from services.common.clock import ManualClock
from tests.notifier.support import NOW


@pytest.fixture
def notifier(make_service):
    service = make_service("notifier", clock=ManualClock(NOW),
                           env={"NOTIFIER_ALLOW_PRIVATE_WEBHOOKS": "0"})
    service.http = service.client()
    service.clock = service.app.extensions["clock"]
    return service
