"""``make run``'s script with real gunicorn and worker processes: up within a minute, authenticated,
documented, observable, and stopped cleanly by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    ports = [free_port() for _ in range(4)]  # survey, metrics, notifier, console
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env["CX_ADMIN_KEY"] = "e2e-admin-key-abcdef"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run_local.py"), "--ports", ",".join(map(str, ports)),
         "--var", str(var), "--no-demo"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = []
    for line in process.stdout:
        output.append(line)
        if "Ctrl-C stops everything" in line:
            break
        if process.poll() is not None:
            break
    yield {"process": process, "ports": dict(zip(("survey", "metrics", "notifier"), ports, strict=False)),
           "var": var, "output": "".join(output)}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def test_all_three_answer(running):
    assert "cxloop is running" in running["output"], running["output"]
    for name, port in running["ports"].items():
        reply = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert reply.status_code == 200 and reply.json()["service"] == name
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200


def test_auth_and_openapi_over_real_http(running):
    for port in running["ports"].values():
        base = f"http://127.0.0.1:{port}"
        anonymous = httpx.get(f"{base}/v1/whoami", timeout=5)
        assert anonymous.status_code == 401 and anonymous.json()["code"] == 401
        admin = httpx.get(f"{base}/v1/whoami", headers={"Authorization": "Bearer e2e-admin-key-abcdef"},
                          timeout=5)
        assert admin.status_code == 200 and admin.json()["role"] == "admin"
        validate(httpx.get(f"{base}/openapi.json", timeout=5).json())


def test_metrics_add_up_across_gunicorn_workers(running):
    base = f"http://127.0.0.1:{running['ports']['metrics']}"
    for _ in range(40):
        httpx.get(f"{base}/readyz", timeout=5)  # new connections spread over the workers
    exposition = httpx.get(f"{base}/metrics", timeout=5).text
    lines = [l for l in exposition.splitlines()
             if l.startswith("cx_http_requests_total") and 'endpoint="/readyz"' in l]
    assert sum(float(l.rsplit(" ", 1)[1]) for l in lines) >= 40


def test_workers_beat_in_their_own_databases(running):
    deadline = time.monotonic() + 20
    beating = set()
    while time.monotonic() < deadline and len(beating) < 3:
        for name in running["ports"]:
            engine = create_engine(f"sqlite:///{running['var'] / (name + '.db')}")
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM worker_heartbeats")).scalar():
                    beating.add(name)
            engine.dispose()
        time.sleep(0.5)
    assert beating == {"survey", "metrics", "notifier"}


def test_ctrl_c_stops_everything(running):
    process = running["process"]
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for port in running["ports"].values():
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)


def test_var_holds_nothing_other_users_can_read(running):
    var = running["var"]
    assert (var / "token-secret").is_file()
    assert (var / "token-secret").read_text().strip() != "e2e-admin-key-abcdef"
    made = [path for path in var.rglob("*") if not path.is_symlink()]
    assert any(path.suffix == ".db" for path in made) and any(path.suffix == ".log" for path in made)
    assert [str(path) for path in [var, *made] if path.stat().st_mode & 0o077] == []
