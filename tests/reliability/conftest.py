"""Reliability and security tests (issue 8): faults, scale-out, fuzzing, authorization, limits.

Sizes come from ``CX_RELIABILITY_SCALE``: ``full`` runs the issue's sizes (100,000 events, 10,000
invitations); anything else a reduced size that keeps the whole set to a few minutes on two cores.
"""

from __future__ import annotations

import os

import pytest

FULL = os.environ.get("CX_RELIABILITY_SCALE", "").lower() == "full"


def sized(full: int, reduced: int) -> int:
    """The issue's size at full scale, else the reduced one."""
    return full if FULL else reduced


def pytest_configure(config):
    # The lead registers the marker in pyproject.toml; this keeps --strict-markers happy until then.
    config.addinivalue_line("markers", "reliability: reliability and security tests (make test-reliability)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/reliability/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.reliability)
