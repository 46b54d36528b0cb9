"""The whole path of an answer with the real processes on PostgreSQL: an event becomes an email, the
email's one-click link becomes a response, and the response reaches metrics once, including while
metrics is stopped for a while and started again."""

from __future__ import annotations

import email
import re
import signal
from datetime import UTC, datetime
from email import policy

import httpx
import pytest

from services.common.migrate import upgrade
from tests.conftest import new_postgres_database
from tests.e2e.processes import Process, service_env, wait_until
from tests.support import free_port
from tests.survey.conftest import event_body, survey_body
from tests.survey.receivers import SmtpServer

ADMIN = "e2e-flow-admin-key-0123456"
pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("flow")
    logs = var / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("survey", "metrics", "notifier")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {}
    for name in ports:
        databases[name] = new_postgres_database(f"cx_flow_{name}")
        upgrade(name, databases[name])
    smtp = SmtpServer()
    env = service_env(urls, admin_key=ADMIN, var=var, extra={
        **{f"{n.upper()}_DATABASE_URL": url for n, url in databases.items()},
        "CX_PUBLIC_BASE_URL": urls["survey"], "SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(smtp.port),
        "SURVEY_TOKEN_SECRET": "flow-token-secret", "SURVEY_DISPATCH_INTERVAL_SECONDS": "0.3",
        "SURVEY_MATCH_INTERVAL_SECONDS": "0.3", "SURVEY_OUTBOX_INTERVAL_SECONDS": "0.3",
        "SURVEY_OUTBOX_BACKOFF_BASE_SECONDS": "0.5", "SURVEY_OUTBOX_BACKOFF_CAP_SECONDS": "2",
        "SURVEY_CONTACT_BUDGET_MAX": "10"})
    processes = {name: Process(name, "web", env, logs, port=port).start() for name, port in ports.items()}
    processes["survey-worker"] = Process("survey", "worker", env, logs).start()
    yield {"urls": urls, "smtp": smtp, "processes": processes, "logs": logs}
    for process in processes.values():
        process.stop()
    smtp.stop()


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)


def one_click_link(message_bytes: bytes, score: int) -> str:
    message = email.message_from_bytes(message_bytes, policy=policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    return re.search(rf'href="([^"]+score={score}[^"]*)"', html).group(1).replace("&amp;", "&")


def metrics_nps(metrics: httpx.Client) -> dict:
    reply = metrics.get("/v1/scores", params={"metric": "nps", "from": "2020-01-01", "min_n": 1})
    cells = reply.json()["cells"]
    return cells[0] if cells else {"n": 0}


def test_event_to_email_to_response_to_metrics_while_metrics_restarts(stack):
    survey, metrics = client(stack["urls"]["survey"]), client(stack["urls"]["metrics"])
    created = survey.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert survey.post(f"/v1/surveys/{created['id']}/publish").status_code == 201
    trigger = survey.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                                "survey_id": created["id"], "channel": "email"})
    assert trigger.status_code == 201, trigger.text
    now = datetime.now(UTC)
    for i in range(2):
        assert survey.post("/v1/events", json=event_body(f"flow-{i}", customer=f"flow-c{i}",
                                                         occurred_at=now)).status_code == 201
    smtp = stack["smtp"]
    assert wait_until(lambda: len(smtp.messages) >= 2, 60), (stack["logs"] / "survey-worker.log").read_text()[-3000:]
    first, second = (one_click_link(m.as_bytes(), 3) for m in smtp.messages[:2])

    page = httpx.get(first, timeout=10)  # one click records the 3 at once
    assert page.status_code == 200 and re.search(r'value="3" checked', page.text)
    assert wait_until(lambda: metrics_nps(metrics)["n"] == 1, 30)
    form_url = first.split("?")[0]
    done = httpx.post(form_url, data={"q_nps": "3", "q_csat": "2", "q_comment": "배송이 늦었어요"}, timeout=10)
    assert done.status_code == 200 and "감사합니다!" in done.text

    stack["processes"]["metrics"].stop(signal.SIGKILL)
    answered = httpx.get(second, timeout=10)
    assert answered.status_code == 200
    assert wait_until(lambda: _pending(survey) > 0, 10)  # waiting in the outbox, not lost
    stack["processes"]["metrics"].start()
    assert wait_until(lambda: metrics_nps(metrics)["n"] == 2, 60), (stack["logs"] / "survey-worker.log").read_text()[-3000:]
    assert wait_until(lambda: _pending(survey) == 0, 30)
    cell = metrics_nps(metrics)
    assert cell["n"] == 2 and cell["value"] == -100.0  # two detractors, each stored once
    dead = survey.get("/v1/outbox", params={"status": "dead"}).json()
    assert [m for m in dead if m["destination"] == "metrics"] == []


def _pending(survey: httpx.Client) -> int:
    rows = survey.get("/v1/outbox", params={"status": "pending"}).json()
    return len([m for m in rows if m["destination"] == "metrics"])
