"""Each service's models and its migrations agree (what ``alembic check`` asks), on SQLite and PostgreSQL.

The comparison runs in a fresh interpreter, as Alembic would: in this test process every model
module is already imported by other tests, which would hide a module the models package forgets.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from services.common.migrate import upgrade
from tests.conftest import new_database_url
from tests.support import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_models_and_migrations_agree(service, backend, tmp_path):
    url = new_database_url(backend, f"cx_check_{service}", tmp_path)
    upgrade(service, url)
    env = {**os.environ, f"{service.upper()}_DATABASE_URL": url}
    check = subprocess.run([sys.executable, "-m", "services.common.migrate", "check", service],
                           env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "models and migrations agree" in check.stdout


def test_a_difference_is_reported(backend, tmp_path):
    from services.common.migrate import model_differences

    url = new_database_url(backend, "cx_check_behind", tmp_path)
    upgrade("notifier", url, revision="notifier_0001")
    assert any(diff[0] == "add_table" for diff in model_differences("notifier", url))
