"""Headless Chromium (Debian's, through Playwright) against the survey app served on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from services.common.clock import ManualClock
from services.common.db import Database, make_engine
from services.common.migrate import upgrade
from services.survey.app import create_app
from services.survey.config import TestConfig
from tests.survey.response_support import publish_survey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SECRET = "browser-secret"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


class LiveSurvey:
    """The survey app on a real SQLite file, served by werkzeug in a thread."""

    def __init__(self, tmp_path: Path, now: datetime) -> None:
        self.url_db = f"sqlite:///{tmp_path / 'survey.db'}"
        upgrade("survey", self.url_db)
        self.engine = make_engine(self.url_db)
        self.clock = ManualClock(now)
        self.server = make_server("127.0.0.1", 0, None, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.app = create_app(TestConfig({"SURVEY_DATABASE_URL": self.url_db, "SURVEY_TOKEN_SECRET": SECRET,
                                          "CX_PUBLIC_BASE_URL": self.base_url}),
                              database=Database(engine=self.engine), clock=self.clock)
        self.server.app = self.app
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        with Session(self.engine) as session:
            self.survey_id = publish_survey(session).id
            session.commit()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.server.shutdown()
        self.engine.dispose()


@pytest.fixture
def live_survey(tmp_path):
    from tests.survey.response_support import T0

    live = LiveSurvey(tmp_path, T0)
    yield live
    live.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
