"""``make run`` with the demo: seeded through the real APIs, with a visible delivery dip,
its complaint keywords, a CLV fit, mailed invitations and a survey link that opens."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import wait_until
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-demo-admin-key-abcdef"
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]  # seeding the demo on a loaded machine


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    var = tmp_path_factory.mktemp("demo-var")
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
    urls = {name: f"http://127.0.0.1:{port}" for name, port in zip(("survey", "metrics", "notifier"), ports, strict=False)}
    yield {"process": process, "urls": urls, "var": var, "output": "".join(output)}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def get(url: str, path: str, **params) -> dict:
    reply = httpx.get(url + path, params=params, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


def dip_month(demo) -> date:
    summary = json.loads((demo["var"] / "demo-seeded").read_text())
    return date.fromisoformat(summary["dip_month"] + "-01")


def test_ready_with_demo(demo):
    """Ready and seeded; how fast is measured by ``make bench``, not asserted here."""
    assert "cxloop is running" in demo["output"] and "하늘마켓" in demo["output"], demo["output"]
    assert (demo["var"] / "demo-seeded").exists()


def test_delivery_csat_dips_in_one_month(demo):
    first = dip_month(demo)
    reply = get(demo["urls"]["metrics"], "/v1/scores", metric="csat", group_by="touchpoint,period",
                period="month", touchpoint="delivery", **{"from": (first - timedelta(days=70)).isoformat()})
    months = {c["group"]["period"][:7]: c for c in reply["cells"] if c["n"] >= 100}
    dipped = months.pop(first.strftime("%Y-%m"))
    assert len(months) >= 2, reply["cells"]
    for cell in months.values():
        assert dipped["ci_high"] < cell["ci_low"], (dipped, cell)


def test_delivery_complaints_rise_in_the_dip_month(demo):
    first = dip_month(demo)
    end = (first + timedelta(days=32)).replace(day=1)
    reply = get(demo["urls"]["metrics"], "/v1/voc/keywords", touchpoint="delivery", split="none",
                **{"from": first.isoformat(), "to": end.isoformat()})
    rising = {k["keyword"] for group in reply["groups"] for k in group["rising"]}
    assert rising & {"엉망", "포장", "파손", "지연", "박스", "상자", "late", "damaged", "box"}, reply["groups"]


def test_a_clv_fit_is_done(demo):
    summary = json.loads((demo["var"] / "demo-seeded").read_text())
    fit = get(demo["urls"]["metrics"], f"/v1/clv/fits/{summary['clv_fit']['id']}")
    assert fit["status"] == "done" and fit["n_customers"] > 1000


def test_invitations_were_mailed_and_the_tour_link_opens(demo):
    assert list((demo["var"] / "mail").glob("*.eml"))
    links = re.findall(r"https?://\S+/r/\S+", demo["output"])
    assert links, demo["output"]
    page = httpx.get(links[0], timeout=10)
    assert page.status_code == 200 and "<form" in page.text


def test_a_second_run_does_not_seed_again(demo):
    before = get(demo["urls"]["survey"], "/v1/surveys")
    from importlib import import_module
    sys.path.insert(0, str(ROOT / "scripts"))
    seed_demo = import_module("seed_demo")
    summary = seed_demo.seed_if_needed(demo["urls"], ADMIN, demo["var"], {})
    assert summary["dip_month"] and len(get(demo["urls"]["survey"], "/v1/surveys")) == len(before)


def test_the_demo_history_is_listed_by_survey_as_in_metrics(demo):
    """The history is imported into survey (no invitations), which forwarded it to metrics."""
    page = get(demo["urls"]["survey"], "/v1/responses", limit=200)
    imported = [r for r in page["responses"] if r["invitation_id"] is None]
    assert len(imported) >= 100 and all(r["response_id"].startswith("demo-") for r in imported)
    summary = json.loads((demo["var"] / "demo-seeded").read_text())
    scores = get(demo["urls"]["metrics"], "/v1/scores", metric="csat,nps,ces",
                 **{"from": (date.today() - timedelta(days=120)).isoformat()})
    assert sum(cell["n"] for cell in scores["cells"]) >= summary["responses"] * 0.9


def test_the_demo_has_playbooks_and_its_drop_alert_says_why(demo):
    from email import message_from_bytes, policy

    playbooks = get(demo["urls"]["notifier"], "/v1/playbooks")
    items = playbooks["items"] if isinstance(playbooks, dict) else playbooks
    assert {p["touchpoint"] for p in items} >= {"delivery", "support", "return_refund"}

    def alert_texts() -> list[str]:
        texts = []
        for path in (demo["var"] / "mail").rglob("*.eml"):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if "Delivery CSAT" in str(message["Subject"]):
                texts.append(message.get_body(("plain",)).get_content())
        return texts

    texts = wait_until(alert_texts, timeout=180)  # the notifier worker decides the week and mails it
    assert texts, "no Delivery CSAT alert mail"
    assert any("Why it dropped, by carrier" in text and "스피드로지" in text for text in texts), texts[0][:3000]
