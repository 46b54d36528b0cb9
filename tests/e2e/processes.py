"""Real service processes for end-to-end tests: gunicorn web servers and workers, stoppable and
restartable, each logging to its own file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]

# The notifier worker with the real jobs and one change: its clock reads the time from a file the test
# moves forward, so hour-long windows close at once. Run as ``python -c CLOCKED_NOTIFIER_WORKER <file>``.
CLOCKED_NOTIFIER_WORKER = """
import sys
from datetime import datetime
from services.common.db import make_engine
from services.common.worker import run_worker
from services.notifier.config import Config
from services.notifier.worker import build_jobs

class FileClock:
    def __init__(self, path):
        self.path = path
    def now(self):
        with open(self.path) as handle:
            return datetime.fromisoformat(handle.read().strip())

config = Config()
run_worker("notifier", build_jobs(config, make_engine(config.DATABASE_URL), clock=FileClock(sys.argv[1])))
"""


def wait_until(check, timeout: float = 60.0, step: float = 0.3):
    """Poll ``check`` until it returns something truthy (returned) or the time is up (last value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return check()


class Process:
    """One web server (``kind="web"``) or worker of a service."""

    def __init__(self, service: str, kind: str, env: dict[str, str], logs: Path, *, port: int | None = None,
                 name: str | None = None, web_workers: int = 2) -> None:
        self.service, self.kind, self.port = service, kind, port
        self.env, self.log = dict(env), logs / f"{name or service + '-' + kind}.log"
        self.web_workers = web_workers
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Process":
        if self.kind == "web":
            command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                       f"services.{self.service}.app:create_app()"]
            env = {**self.env, "CX_BIND": f"127.0.0.1:{self.port}", "CX_WEB_WORKERS": str(self.web_workers),
                   "PROMETHEUS_MULTIPROC_DIR": str(self.log.parent / f"prometheus-{self.service}-{self.port}")}
        else:
            command, env = [sys.executable, "-m", f"services.{self.service}.worker"], self.env
        self.process = subprocess.Popen(command, cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
                                        start_new_session=True, stdout=open(self.log, "ab"),
                                        stderr=subprocess.STDOUT)
        if self.kind == "web":
            assert wait_until(self.healthy, 120), self.log.read_text()[-3000:]  # generous: loaded machines
        return self

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def service_env(urls: dict[str, str], *, admin_key: str, var: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of every process of a stack: databases, keys, where the others are."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"CX_ADMIN_KEY": admin_key, "CX_VAR_DIR": str(var)})
    for caller in urls:
        for callee, url in urls.items():
            if caller != callee:
                env[f"{caller.upper()}_{callee.upper()}_URL"] = url
    env.update(extra)
    return env
