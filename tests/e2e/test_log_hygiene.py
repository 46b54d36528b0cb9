"""After a full flow with the real processes (an event becomes an email, the customer answers and
unsubscribes; a team lead's subscription with a signed webhook and a Slack channel sends a test
alert and is unsubscribed), no log file holds a key, a secret, a link token or an SQL parameter."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email import policy

import httpx
import pytest

from services.common.migrate import upgrade
from tests.conftest import new_postgres_database
from tests.e2e.processes import Process, service_env, wait_until
from tests.support import free_port
from tests.survey.conftest import event_body, survey_body
from tests.survey.receivers import SmtpServer, WebhookReceiver

ADMIN = "e2e-logs-admin-key-0123456789"
TOKEN_SECRET = "e2e-logs-token-secret-abcdef"
WEBHOOK_SECRET = "whsec-logs-0123456789abcdef"
SLACK_SECRET = "XoXoSlackPathSecret42"
LEAD_ADDRESS = "lead-logs@example.com"
pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("logs")
    logs = var / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("survey", "metrics", "notifier")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {}
    for name in ports:
        databases[name] = new_postgres_database(f"cx_logs_{name}")
        upgrade(name, databases[name])
    smtp = SmtpServer()
    env = service_env(urls, admin_key=ADMIN, var=var, extra={
        **{f"{n.upper()}_DATABASE_URL": url for n, url in databases.items()},
        "CX_PUBLIC_BASE_URL": urls["survey"], "NOTIFIER_PUBLIC_BASE_URL": urls["notifier"],
        "SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(smtp.port),
        "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp.port),
        "NOTIFIER_ALLOW_PRIVATE_WEBHOOKS": "1", "CX_LOG_LEVEL": "debug",
        "SURVEY_TOKEN_SECRET": TOKEN_SECRET, "SURVEY_DISPATCH_INTERVAL_SECONDS": "0.3",
        "SURVEY_MATCH_INTERVAL_SECONDS": "0.3", "SURVEY_OUTBOX_INTERVAL_SECONDS": "0.3",
        "NOTIFIER_OUTBOX_INTERVAL_SECONDS": "0.3", "NOTIFIER_OUTBOX_BACKOFF_BASE_SECONDS": "0.3",
        "SURVEY_CONTACT_BUDGET_MAX": "10"})
    processes = {name: Process(name, "web", env, logs, port=port).start() for name, port in ports.items()}
    processes["survey-worker"] = Process("survey", "worker", env, logs).start()
    processes["notifier-worker"] = Process("notifier", "worker", env, logs).start()
    yield {"urls": urls, "smtp": smtp, "processes": processes, "logs": logs}
    for process in processes.values():
        process.stop()
    smtp.stop()


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)


def _parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def _unsubscribe_url(message) -> str:
    return re.search(r"<(https?://[^>]+)>", "".join(str(message["List-Unsubscribe"]).split())).group(1)


def test_no_log_file_holds_keys_secrets_or_link_tokens_after_a_full_flow(stack):
    urls, smtp = stack["urls"], stack["smtp"]
    survey, notifier = client(urls["survey"]), client(urls["notifier"])
    created = survey.post("/v1/surveys", json=survey_body(recontact_days=0)).json()
    assert survey.post(f"/v1/surveys/{created['id']}/publish").status_code == 201
    assert survey.post("/v1/triggers", json={"name": "delivered", "event_type": "order.delivered",
                                             "survey_id": created["id"], "channel": "email"}).status_code == 201
    assert survey.post("/v1/events", json=event_body("logs-1", customer="logs-c1",
                                                     occurred_at=datetime.now(UTC))).status_code == 201
    assert wait_until(lambda: len(smtp.messages) >= 1, 60), (stack["logs"] / "survey-worker.log").read_text()[-3000:]
    invitation = _parsed(smtp.messages[0])
    html = invitation.get_body(("html",)).get_content()
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)]
    answer_link = next(link for link in links if "/r/" in link and "score=" in link)
    unsubscribe_link = _unsubscribe_url(invitation)
    tokens = {re.search(r"/r/([^/?]+)", answer_link).group(1), unsubscribe_link.rsplit("/", 1)[1]}
    assert httpx.get(answer_link, timeout=10).status_code == 200
    assert httpx.post(answer_link.split("?")[0], data={"q_nps": "1", "q_comment": "늦었어요"}, timeout=10).status_code == 200
    assert httpx.get(unsubscribe_link, timeout=10).status_code == 200
    assert httpx.post(unsubscribe_link, timeout=10).status_code == 200

    receiver = WebhookReceiver(WEBHOOK_SECRET)
    receiver.fail_next = 1  # one failed delivery: the retry must not log the secret either
    slack_url = f"{receiver.url}/services/T000/B000/{SLACK_SECRET}"
    channels = [{"type": "email", "address": LEAD_ADDRESS},
                {"type": "webhook", "url": receiver.url, "secret": WEBHOOK_SECRET},
                {"type": "slack", "url": slack_url}]
    body = {"name": "Logs NPS", "metric": "nps", "rule": {"kind": "low_score"}, "channels": channels}
    subscription = notifier.post("/v1/subscriptions", json=body)
    assert subscription.status_code == 201, subscription.text
    # an odd secret (NUL) travels through validation and storage: stored or refused, never logged
    odd = notifier.post("/v1/subscriptions", json={**body, "channels": [
        {"type": "webhook", "url": receiver.url, "secret": WEBHOOK_SECRET + "\u0000x"}]})
    assert odd.status_code < 500
    assert notifier.post(f"/v1/subscriptions/{subscription.json()['id']}/test").status_code == 202
    alert = wait_until(lambda: [m for m in smtp.messages if LEAD_ADDRESS in str(m["To"])], 60)
    assert alert, (stack["logs"] / "notifier-worker.log").read_text()[-3000:]
    notifier_unsubscribe = _unsubscribe_url(_parsed(alert[0]))
    tokens.add(notifier_unsubscribe.rsplit("/", 1)[1])
    assert httpx.get(notifier_unsubscribe, timeout=10).status_code == 200
    assert httpx.get(f"{urls['survey']}/v1/whoami", headers={"Authorization": "Bearer cx_badbadbadbad_guess"},
                     timeout=10).status_code == 401
    assert wait_until(lambda: receiver.received or receiver.rejected >= 2, 30)  # webhook and Slack reached it
    receiver.stop()

    secrets = {"admin key": ADMIN, "token secret": TOKEN_SECRET, "webhook secret": WEBHOOK_SECRET,
               "slack url secret": SLACK_SECRET, "guessed key": "cx_badbadbadbad_guess",
               **{f"link token {token[:6]}": token for token in tokens}}
    files = sorted(path for path in stack["logs"].rglob("*.log"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(errors="replace")
        for name, secret in secrets.items():
            assert secret not in text, f"{name} found in {path.name}"
        assert "[parameters:" not in text or "[parameters: [redacted]]" in text, path.name
    access = (stack["logs"] / "survey-web.log").read_text()
    assert '"path": "/r/[redacted]"' in access and '"path": "/unsubscribe/[redacted]"' in access
