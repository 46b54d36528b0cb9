"""Response webhooks end to end, on SQLite and PostgreSQL: real gunicorn, the real survey worker and a
real local HTTP receiver that verifies every message with the official ``standardwebhooks`` library.

An endpoint is registered over HTTP; a journey event makes the worker send an invitation
(``invitation.sent``); the customer answers on the real response page (``response.created``,
``response.completed``) and unsubscribes (``unsubscribe.created``). The receiver fails the first
POST, so the outbox retries it; the delivery log shows it. A rotated secret signs beside the old one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from services.common.migrate import upgrade
from tests.conftest import new_database_url
from tests.e2e.processes import wait_until
from tests.reliability.stacks import ADMIN, FAST_WORKER
from tests.survey.conftest import event_body, survey_body
from tests.survey.webhooks.receiver import HookReceiver, verifies

pytestmark = [pytest.mark.e2e]


@pytest.fixture(params=["sqlite", "postgres"], scope="module")
def stack(request, tmp_path_factory):
    from tests.e2e.processes import Process, service_env
    from tests.support import free_port

    var = tmp_path_factory.mktemp(f"webhooks-{request.param}")
    url = new_database_url(request.param, "cx_e2e_hooks", var)
    upgrade("survey", url)
    port = free_port()
    urls = {"survey": f"http://127.0.0.1:{port}", "metrics": "http://127.0.0.1:9", "notifier": "http://127.0.0.1:9"}
    env = service_env(urls, admin_key=ADMIN, var=var, extra={
        "SURVEY_DATABASE_URL": url, "CX_PUBLIC_BASE_URL": urls["survey"], **FAST_WORKER,
        "SURVEY_ALLOW_PRIVATE_WEBHOOKS": "1", "SURVEY_MAIL_DIR": str(var / "mail")})
    (var / "logs").mkdir()
    processes = [Process("survey", "web", env, var / "logs", port=port).start(),
                 Process("survey", "worker", env, var / "logs").start()]  # one worker: SQLite's rule
    receiver = HookReceiver()
    import httpx

    client = httpx.Client(base_url=urls["survey"], timeout=30, headers={"Authorization": f"Bearer {ADMIN}"})
    yield {"client": client, "receiver": receiver, "var": var, "logs": var / "logs"}
    client.close()
    for process in processes:
        process.stop()
    receiver.stop()


def _survey_link(mail_dir) -> str | None:
    for path in sorted(mail_dir.glob("*.eml")) if mail_dir.is_dir() else []:
        found = re.search(r"/r/([A-Za-z0-9_\-]{20,})", path.read_bytes().decode("utf-8", "replace"))
        if found:
            return found.group(1)
    return None


def test_response_webhooks_through_gunicorn_and_the_worker(stack):
    client, receiver, logs = stack["client"], stack["receiver"], stack["logs"]
    created = client.post("/v1/webhooks", json={"url": receiver.url, "description": "CRM"})
    assert created.status_code == 201, created.text
    endpoint, secret = created.json(), created.json()["secret"]
    receiver.statuses = [503]  # the first delivery fails once and is retried by the outbox
    survey = client.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert client.post(f"/v1/surveys/{survey['id']}/publish").status_code == 201
    trigger = client.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                                "survey_id": survey["id"], "channel": "email"})
    assert trigger.status_code == 201, trigger.text
    event = client.post("/v1/events", json=event_body("e2e-hook-1", customer="cust-h", occurred_at=datetime.now(UTC)))
    assert event.status_code == 201, event.text

    token = wait_until(lambda: _survey_link(stack["var"] / "mail"), 60)
    assert token, (logs / "survey-worker.log").read_text()[-3000:]
    page = client.post(f"/r/{token}", data={"q_nps": "10", "q_csat": "5", "q_comment": "좋아요"},
                       headers={"Authorization": ""})
    assert page.status_code == 200, page.text[:500]
    assert client.post("/v1/customers/cust-h/unsubscribe").status_code == 200

    wanted = {"invitation.sent", "response.created", "response.completed", "unsubscribe.created"}
    assert wait_until(lambda: wanted <= set(receiver.types()), 60), (
        receiver.types(), (logs / "survey-worker.log").read_text()[-3000:])
    for message in receiver.received:
        assert verifies(secret, message.headers, message.body), message.headers
    completed = next(m.json for m in receiver.received if m.json["type"] == "response.completed")
    assert completed["data"]["customer_id"] == "cust-h" and completed["data"]["survey_id"] == str(survey["id"])
    assert "cust-h@example.com" not in b"".join(m.body for m in receiver.received).decode()

    def settled():  # the worker records an attempt just after the receiver answered it
        log = client.get(f"/v1/webhooks/{endpoint['id']}/deliveries").json()
        return log if {d["status"] for d in log} == {"delivered"} else None

    log = wait_until(settled, 30)
    assert log and len(log) == len(receiver.received) - 1  # the 503 was one attempt of a delivery
    retried = [d for d in log if d["attempts"] == 2]
    assert len(retried) == 1 and retried[0]["response_code"] == 200

    rotated = client.post(f"/v1/webhooks/{endpoint['id']}/rotate-secret", json={"overlap_hours": 1}).json()
    count = len(receiver.received)
    assert client.post(f"/v1/webhooks/{endpoint['id']}/test").status_code == 202
    assert wait_until(lambda: len(receiver.received) > count, 30)
    test = receiver.received[-1]
    assert test.json["type"] == "webhook.test"
    assert verifies(secret, test.headers, test.body) and verifies(rotated["secret"], test.headers, test.body)
