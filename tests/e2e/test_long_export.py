"""An export that takes far longer than gunicorn's worker timeout completes in full: the console and the
survey service under real gunicorn with ``CX_WEB_TIMEOUT=2`` for the console, thousands of responses, the inbox
exported as CSV and XLSX and read back with the csv module and openpyxl, row for row. The console reaches the
survey service through a proxy that holds each page of responses for a second (a slow network or a busy
service), so the export outlasts the timeout however fast this machine is.

The console runs gthread workers (deploy/gunicorn.conf.py), whose heartbeat does not wait for a request;
with sync workers the arbiter killed the worker mid-export ("WORKER TIMEOUT") and the file was cut off.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from services.common.db import make_engine
from services.common.migrate import upgrade
from services.survey.models.responses import Response
from tests.console.dashboard_support import survey_body
from tests.e2e.processes import Process, service_env
from tests.support import auth, free_port

pytestmark = [pytest.mark.e2e]
ADMIN_KEY = "e2e-long-export-admin-key-0123"
ADMIN = ("export-admin@example.com", "export admin password 1")
ROWS = 6_000  # six pages of the console's export reads
TIMEOUT_SECONDS = 2  # gthread beats about once a second: a timeout of 1 s is below its own beat
PAGE_DELAY_SECONDS = 1.0  # the proxy's hold on each page of responses: six pages take 6 s or more


def _slow_proxy(target: str):
    """A server on 127.0.0.1 that forwards every request to ``target`` and holds each ``/v1/responses`` page
    for ``PAGE_DELAY_SECONDS``; returns the server and its URL."""
    upstream = httpx.Client(base_url=target, timeout=60)

    def forward(environ, start_response):
        request = Request(environ)
        if request.path == "/v1/responses":
            time.sleep(PAGE_DELAY_SECONDS)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        reply = upstream.request(request.method, request.full_path, headers=headers, content=request.get_data())
        passed = [(k, v) for k, v in reply.headers.items()
                  if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding")]
        start_response(f"{reply.status_code} {reply.reason_phrase}", passed)
        return [reply.content]

    server = make_server("127.0.0.1", 0, forward, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Survey and console under gunicorn (one worker each; the console's timeout 2 s, survey's pages are
short requests) on SQLite, the survey full of answers."""
    var = tmp_path_factory.mktemp("long-export")
    logs = var / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("survey", "console")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    databases = {name: f"sqlite:///{var / (name + '.db')}" for name in ports}
    for name, url in databases.items():
        upgrade(name, url)
    env = service_env(urls, admin_key=ADMIN_KEY, var=var, extra={
        **{f"{n.upper()}_DATABASE_URL": url for n, url in databases.items()},
        "CX_CONSOLE_KEY": "e2e-long-export-console-key-0123", "CX_CONSOLE_ACTOR_SECRET": "e2e-long-export-actor",
        "CX_CONSOLE_ADMIN_EMAIL": ADMIN[0], "CX_CONSOLE_ADMIN_PASSWORD": ADMIN[1], "CX_LOG_LEVEL": "WARNING",
        "CONSOLE_SECRET_KEY": "e2e-long-export-session-secret", "CONSOLE_DEFAULT_LANGUAGE": "en",
        "CONSOLE_SERVICE_TIMEOUT_SECONDS": "30"})
    survey = Process("survey", "web", env, logs, port=ports["survey"], web_workers=1).start()
    console = None
    try:
        _fill(urls["survey"], databases["survey"])
        proxy, proxy_url = _slow_proxy(urls["survey"])
        console = Process("console", "web", {**env, "CX_WEB_TIMEOUT": str(TIMEOUT_SECONDS),
                                             "CONSOLE_SURVEY_URL": proxy_url},
                          logs, port=ports["console"], web_workers=1).start()
        yield {"console": console, "logs": logs}
    finally:
        for process in (console, survey):
            if process is not None:
                process.stop()
        if "proxy" in locals():
            proxy.shutdown()


def _fill(survey_url: str, database_url: str) -> None:
    """One published survey through the API, then ``ROWS`` completed answers written straight to its table
    (the API path is tested elsewhere; here only the export's length matters). Every tenth comment looks
    like a formula."""
    created = httpx.post(f"{survey_url}/v1/surveys", json=survey_body(), headers=auth(ADMIN_KEY), timeout=30)
    assert created.status_code == 201, created.text
    survey_id = created.json()["id"]
    assert httpx.post(f"{survey_url}/v1/surveys/{survey_id}/publish", headers=auth(ADMIN_KEY),
                      timeout=30).status_code == 201
    start = datetime(2025, 3, 1, tzinfo=UTC)
    rows = []
    for number in range(ROWS):
        at = start - timedelta(seconds=number * 7)
        comment = "=cmd|' /C calc'!A0" if number % 10 == 0 else f"배송 {number}"
        rows.append({"id": f"r-{number:06d}", "invitation_id": None, "survey_id": survey_id, "survey_version": 1,
                     "customer_id": f"c-{number}", "touchpoint": "delivery", "channel": "email", "event_type": None,
                     "event_at": None, "lang": "ko", "attributes": {}, "version": 1, "completed": True,
                     "answers": {"csat": 1 + number % 5, "comment": comment}, "opened_at": at,
                     "first_answer_at": at, "completed_at": at, "created_at": at, "updated_at": at,
                     "shown_questions": ["csat", "comment"], "score_metric": "csat", "score": 1 + number % 5,
                     "comment": comment})
    engine = make_engine(database_url)
    with Session(engine) as session:
        session.execute(insert(Response), rows)
        session.commit()
    engine.dispose()


def _signed_in(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=300)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    reply = client.post("/login", data={"csrf_token": token, "email": ADMIN[0], "password": ADMIN[1]})
    assert reply.status_code == 302, reply.text[:500]
    return client


def test_an_export_far_longer_than_the_worker_timeout_completes(stack):
    client = _signed_in(stack["console"].url)
    started = time.monotonic()
    reply = client.get("/responses/export.csv")
    took = time.monotonic() - started
    assert reply.status_code == 200
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert len(rows) == ROWS and len({row["response_id"] for row in rows}) == ROWS
    assert sum(row["comment"].startswith("'=cmd") for row in rows) == ROWS // 10
    # The proxy's holds make the export outlast the timeout more than twice over, on any machine.
    assert took > 2 * TIMEOUT_SECONDS
    reply = client.get("/responses/export.xlsx")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.content), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(min_row=2, values_only=True)) == ROWS
    log = (stack["logs"] / "console-web.log").read_text(errors="replace")
    assert "WORKER TIMEOUT" not in log
    print(f"CSV export of {ROWS} rows took {took:.1f} s against a {TIMEOUT_SECONDS} s worker timeout")
