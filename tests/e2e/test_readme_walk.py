"""The README's curl walk, run as printed (bash, curl, jq) against ``make run``'s script with its demo:
real gunicorn and workers, the keys made the way the README says, every call answered with 2xx; and
the tour's own commands: the complaint that rose in the dip month, the invitations still unanswered."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-walk-admin-key-abcdef"
DEFAULT_PORTS = {"survey": 8001, "metrics": 8002, "notifier": 8003}
DIP_COMPLAINTS = {"엉망", "포장", "파손", "지연", "박스", "상자", "late", "damaged", "box"}
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]  # seeding the demo on a loaded machine


def readme_walk() -> list[str]:
    """The shell blocks of the README's "Using it (curl)" section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using it (curl)"):text.index("### API conventions")]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not (shutil.which("jq") and shutil.which("bash") and shutil.which("curl")):
        pytest.skip("the README walk needs bash, curl and jq")
    var = tmp_path_factory.mktemp("walk-var")
    ports = [free_port() for _ in range(4)]  # survey, metrics, notifier, console
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "CX_DEMO"}
    env["CX_ADMIN_KEY"] = ADMIN
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run_local.py"), "--ports", ",".join(map(str, ports)),
         "--var", str(var)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    output = []
    for line in process.stdout:
        output.append(line)
        if "Ctrl-C stops everything" in line or process.poll() is not None:
            break
    yield {"ports": dict(zip(("survey", "metrics", "notifier"), ports, strict=False)), "var": var, "env": env,
           "output": "".join(output)}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_readme_walk_runs_as_printed(stack, tmp_path):
    assert "cxloop is running" in stack["output"], stack["output"]
    script = "\n".join(readme_walk())
    for name, port in stack["ports"].items():
        script = script.replace(f"localhost:{DEFAULT_PORTS[name]}", f"localhost:{port}")
    script = script.replace(".venv/bin/flask", f"{shlex.quote(sys.executable)} -m flask")
    # Every call must succeed: curl fails on a 4xx/5xx (the body still shown), and so does the script.
    prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n'
    tail = '\necho "WALK SURVEY_ID=$SURVEY_ID FIT_ID=$FIT_ID SUB_ID=$SUB_ID"\n'
    env = {**stack["env"], "CX_VAR_DIR": str(stack["var"]), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-c", prelude + script + tail], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ids = dict(re.findall(r"(\w+_ID)=(\S+)", done.stdout.splitlines()[-1]))
    assert ids["SURVEY_ID"].isdigit() and ids["FIT_ID"] not in ("", "null") and len(ids["SUB_ID"]) == 32, ids
    survey = f"http://127.0.0.1:{stack['ports']['survey']}"
    admin = {"Authorization": f"Bearer {ADMIN}"}
    invitations = httpx.get(f"{survey}/v1/invitations", params={"customer_id": "c-1"}, headers=admin, timeout=10)
    walked = [i["status"] for i in invitations.json() if i["survey_id"] == int(ids["SURVEY_ID"])]
    assert walked == ["scheduled"], invitations.text  # dated now: due after the delay, not expired
    deadline = time.monotonic() + 60  # the notifier worker sends the test mail within seconds
    while time.monotonic() < deadline and not list((stack["var"] / "mail").glob(f"test_{ids['SUB_ID']}*.eml")):
        time.sleep(0.5)
    [mail] = list((stack["var"] / "mail").glob(f"test_{ids['SUB_ID']}*.eml"))
    assert "CSAT" in mail.read_text(errors="replace")


def test_the_tour_keyword_command_shows_the_dip_complaint(stack):
    [command] = [line.strip() for line in stack["output"].splitlines() if "/v1/voc/keywords" in line]
    url = re.search(r"'(http[^']+)'", command).group(1)
    key = re.search(r"Bearer ([^']+)'", command).group(1)
    reply = httpx.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert reply.status_code == 200, reply.text
    rising = {k["keyword"] for group in reply.json()["groups"] for k in group["rising"]}
    assert rising & DIP_COMPLAINTS, json.dumps(reply.json()["groups"], ensure_ascii=False)[:2000]


def test_the_tour_lists_the_demo_invitations_still_unanswered(stack):
    output = stack["output"]
    match = re.search(r"Demo invitations still unanswered \((\d+)\)", output)
    assert match and int(match.group(1)) > 0, output
    links = re.findall(r"https?://\S+/r/\S+", output)
    assert links and httpx.get(links[0], timeout=10).status_code == 200
