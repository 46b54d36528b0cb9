"""The inter-service HTTP client against a real local server that fails and recovers."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from marshmallow import fields
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.contracts.base import ReplySchema
from shared.http_client import RetryPolicy, ServiceClient, ServiceRejectedError, ServiceUnavailableError
from tests.support import free_port


class FlakyServer:
    """A WSGI server whose next answers are scripted: status codes, or 'slow' for a timeout."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.seen: list[dict] = []
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.seen.append({"headers": dict(request.headers), "body": request.get_data(as_text=True),
                          "path": request.path, "query": request.query_string.decode()})
        step = self.script.pop(0) if self.script else 200
        if step == "slow":
            time.sleep(1.0)
            step = 200
        body = {"ok": True, "echo": request.path, "extra_field": "ignored by clients"}
        if step >= 400:
            body = {"code": step, "status": "error", "message": "scripted failure"}
        headers = {"Retry-After": "0"} if step == 429 else {}
        return Response(json.dumps(body), status=step, mimetype="application/json",
                        headers=headers)(environ, start_response)

    def __enter__(self) -> "FlakyServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()


class EchoReplySchema(ReplySchema):
    ok = fields.Boolean(required=True)
    echo = fields.String(required=True)


@pytest.fixture
def server() -> Iterator[FlakyServer]:
    with FlakyServer() as flaky:
        yield flaky


def _client(url: str, **kwargs) -> ServiceClient:
    sleeps: list[float] = []
    client = ServiceClient(url, api_key="svc-key", timeout=kwargs.pop("timeout", 2.0),
                           retry=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05),
                           sleep=sleeps.append, rng=random.Random(7), **kwargs)
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


def test_retries_5xx_and_429_then_succeeds_with_the_same_idempotency_key(server):
    server.script = [503, 500, 429]
    with _client(server.url) as client:
        reply = client.request("POST", "/v1/things", json={"a": 1}, request_id="req-9",
                               reply_schema=EchoReplySchema())
    assert reply == {"ok": True, "echo": "/v1/things"}  # unknown field dropped
    assert len(server.seen) == 4
    keys = {seen["headers"]["Idempotency-Key"] for seen in server.seen}
    assert len(keys) == 1 and keys.pop()
    assert all(seen["headers"]["X-Request-Id"] == "req-9" for seen in server.seen)
    assert all(seen["headers"]["Authorization"] == "Bearer svc-key" for seen in server.seen)
    assert len(client.sleeps) == 3 and all(0 <= s <= 0.05 for s in client.sleeps)


def test_gives_up_after_max_attempts(server):
    server.script = [502] * 10
    with _client(server.url) as client, pytest.raises(ServiceUnavailableError, match="4 attempts"):
        client.request("GET", "/v1/x")
    assert len(server.seen) == 4


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_client_errors_are_not_retried(server, status):
    server.script = [status]
    with _client(server.url) as client, pytest.raises(ServiceRejectedError) as caught:
        client.request("POST", "/v1/x", json={}, idempotency_key="fixed")
    assert caught.value.status_code == status
    assert caught.value.body["message"] == "scripted failure"
    assert len(server.seen) == 1
    assert server.seen[0]["headers"]["Idempotency-Key"] == "fixed"


def test_timeout_is_retried(server):
    server.script = ["slow", 200]
    with _client(server.url, timeout=0.3) as client:
        assert client.request("GET", "/v1/slow")["ok"] is True
    assert len(server.seen) == 2


def test_refused_connection_then_recovery():
    from tests.support import free_port

    port = free_port()
    attempts = {"n": 0}
    holder: dict = {}

    def sleep_and_start(_seconds: float) -> None:
        attempts["n"] += 1
        if attempts["n"] == 2 and "server" not in holder:
            holder["server"] = make_server("127.0.0.1", port, FlakyServer())
            threading.Thread(target=holder["server"].serve_forever, daemon=True).start()

    client = ServiceClient(f"http://127.0.0.1:{port}", api_key=None, timeout=1.0,
                           retry=RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.02),
                           sleep=sleep_and_start)
    try:
        assert client.request("GET", "/v1/back")["echo"] == "/v1/back"
    finally:
        client.close()
        holder["server"].shutdown()
    assert attempts["n"] == 2


def test_backoff_grows_exponentially_and_is_capped():
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    draws = [[policy.delay(attempt, rng) for _ in range(200)] for attempt in range(6)]
    ceilings = [max(d) for d in draws]
    assert ceilings[0] <= 1.0 and ceilings[1] <= 2.0 and ceilings[2] <= 4.0
    assert all(c <= 8.0 for c in ceilings)
    assert ceilings[3] > 4.0  # the ceiling really grew to the cap
    assert min(draws[5]) < 1.0  # full jitter: small waits remain possible


def test_begin_get_sends_now_and_reads_the_reply_later(server):
    client = _client(server.url)
    reply = client.begin_get("/v1/things", params={"a": 1, "flag": True}, reply_schema=EchoReplySchema(),
                             extra_headers={"X-Cx-Acting-For": "signed"}, request_id="rid-1")
    assert reply() == {"ok": True, "echo": "/v1/things"}  # unknown field dropped, as request() does
    [seen] = server.seen
    assert seen["headers"]["Authorization"] == "Bearer svc-key" and seen["headers"]["X-Request-Id"] == "rid-1"
    assert seen["headers"]["X-Cx-Acting-For"] == "signed" and seen["headers"]["Accept"] == "application/json"
    assert seen["headers"]["User-Agent"] == "cxloop"
    assert seen["query"] == "a=1&flag=true"  # as request() sends them


def test_begin_get_goes_on_with_the_later_attempts_after_a_failed_first(server):
    server.script = [503, 503]
    client = _client(server.url)
    assert client.begin_get("/v1/things")()["ok"] is True
    assert len(server.seen) == 3 and len(client.sleeps) == 2  # the same attempts and waits as request()
    server.script = [404]
    with pytest.raises(ServiceRejectedError) as rejected:
        client.begin_get("/v1/things")()
    assert rejected.value.status_code == 404 and len(server.seen) == 4  # a 4xx is not retried
    server.script = [503] * 4
    with pytest.raises(ServiceUnavailableError, match="4 attempts: HTTP 503"):
        client.begin_get("/v1/things")()
    server.script = ["slow"]
    assert _client(server.url, timeout=0.3).begin_get("/v1/slow")()["ok"] is True  # timed out, then retried


def test_begin_get_to_no_one_fails_after_every_attempt():
    client = _client(f"http://127.0.0.1:{free_port()}")  # nothing listens: refused
    reply = client.begin_get("/v1/things")
    with pytest.raises(ServiceUnavailableError, match="after 4 attempts"):
        reply()
    assert len(client.sleeps) == 3


def test_begin_get_returns_before_the_reply_arrives():
    """The reply can only come after the caller went on (the server waits for ``released``): a begin_get
    that waited for its reply would hold the caller until the server gave up."""
    arrived, released, outcome = threading.Event(), threading.Event(), {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            arrived.set()
            outcome["released in time"] = released.wait(10)
            body = b'{"ok": true, "echo": "/held"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    held = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=held.serve_forever, daemon=True).start()
    try:
        reply = _client(f"http://127.0.0.1:{held.server_address[1]}").begin_get("/held")
        assert arrived.wait(10)  # the request is out, and begin_get has returned
        released.set()
        assert reply() == {"ok": True, "echo": "/held"} and outcome["released in time"]
    finally:
        held.shutdown()
        held.server_close()


def test_begin_get_through_a_test_transport_makes_the_request_at_once():
    calls = []

    def answer(request):
        calls.append(str(request.url))
        return httpx.Response(200, json={"ok": True, "echo": request.url.path})

    client = _client("http://survey.test", transport=httpx.MockTransport(answer))
    reply = client.begin_get("/v1/things", reply_schema=EchoReplySchema())
    assert calls == ["http://survey.test/v1/things"]  # made already
    assert reply() == {"ok": True, "echo": "/v1/things"}
    failing = _client("http://survey.test", transport=httpx.MockTransport(lambda request: httpx.Response(404, json={})))
    reply = failing.begin_get("/v1/things")
    with pytest.raises(ServiceRejectedError):
        reply()
