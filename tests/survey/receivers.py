"""Real local receivers for delivery tests: an aiosmtpd SMTP server and a webhook endpoint that
checks the HMAC signature."""

from __future__ import annotations

import json
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.support import free_port, verified


class MailSink:
    """Collects every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.sink = MailSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self) -> list:
        with self.sink.lock:
            return list(self.sink.messages)

    def stop(self) -> None:
        self.controller.stop()


class WebhookReceiver:
    """Accepts POSTs whose signature verifies with ``secret``; can fail the next N requests with 503."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[dict] = []
        self.rejected = 0
        self.fail_next = 0
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return Response("busy", status=503)(environ, start_response)
            if not verified(self.secret, request.headers, body):
                self.rejected += 1
                return Response("bad signature", status=401)(environ, start_response)
            self.received.append({"body": json.loads(body), "key": request.headers.get("Idempotency-Key")})
        return Response("{}", status=200, mimetype="application/json")(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
