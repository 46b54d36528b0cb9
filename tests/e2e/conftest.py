"""Fixtures shared by end-to-end modules: the console walk's stack, started once for the modules that walk it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser_type_launch_args  # noqa: F401 (Debian's chromium, as in tests/browser)
from tests.e2e.console_walk import walk_stack


@pytest.fixture(scope="session")
def walk(tmp_path_factory):
    """The console walk's services (tests/e2e/console_walk.py), shared by the walk's modules."""
    yield from walk_stack(tmp_path_factory.mktemp("walk"))
