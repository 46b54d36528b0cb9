"""A real local HTTP endpoint for webhook tests: records every POST and which of the secrets it was given
verify it with the official ``standardwebhooks`` library; answers from a scripted list of statuses."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.webhook_signing import standard_secret


def verifies(secret: str, headers, body: bytes) -> bool:
    """Whether the official Standard Webhooks library accepts the message under ``secret``."""
    try:
        Webhook(standard_secret(secret)).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError:
        return False
    return True


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class HookReceiver:
    """``statuses``: the answers to give to the next POSTs (then 200)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/cxloop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            self.received.append(Received(headers={k.lower(): v for k, v in request.headers.items()},
                                          body=request.get_data()))
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("{}", status=status, mimetype="application/json")(environ, start_response)

    def types(self) -> list[str]:
        with self.lock:
            return [message.json["type"] for message in self.received]

    def stop(self) -> None:
        self.server.shutdown()
