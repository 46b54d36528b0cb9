"""Webhook URLs to internal places are refused when saved (survey triggers, notifier subscriptions)
and again when sent (a host that resolves to a private address by then, a redirect)."""

from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.common.outbox import PermanentDeliveryError as NotifierPermanentError
from services.notifier.channels import senders
from services.notifier.channels.url_safety import UnsafeUrlError, check_url
from services.survey.delivery import OutgoingInvitation, PermanentDeliveryError
from services.survey.delivery.url_safety import check_webhook_url
from services.survey.delivery.webhook import WebhookSender
from tests.notifier.support import subscription_body
from tests.reliability.apps import bearer, make_app
from tests.survey.conftest import survey_body

PUBLIC = "93.184.216.34"
REFUSED = [
    "http://127.0.0.1/hook", "http://127.1/hook", "http://localhost:8001/v1/outbox", "http://0.0.0.0/hook",
    "http://0/hook", "http://10.0.0.7/hook", "http://172.16.3.4/hook", "http://192.168.1.10/hook",
    "http://100.64.0.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook",
    "http://[::1]/hook", "http://[::]/hook", "http://[fc00::5]/hook", "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook", "http://[::ffff:169.254.169.254]/hook", "http://[::ffff:10.0.0.1]/hook",
    "http://2130706433/hook", "http://3232235777/hook", "http://0x7f000001/hook", "http://0177.0.0.1/hook",
    "http://0x7f.1/hook", "http://224.0.0.1/hook", "http://255.255.255.255/hook",
    "http://metadata.google.internal/computeMetadata/v1/", "https://no-such-host.invalid/hook",
    "ftp://93.184.216.34/hook", "file:///etc/passwd", "gopher://93.184.216.34/", "http://user:pw@93.184.216.34/hook",
    "http:///hook", "http://[::1/hook",
    # IPv6 forms that embed a private or loopback IPv4: 6to4, NAT64, IPv4-compatible, local-use NAT64
    "http://[2002:7f00:1::]/hook", "http://[2002:a00:1::1]/hook", "http://[2002:a9fe:a9fe::]/latest/meta-data/",
    "http://[2002:c0a8:101:1::1]/hook", "http://[64:ff9b::7f00:1]/hook", "http://[64:ff9b::10.0.0.1]/hook",
    "http://[64:ff9b::169.254.169.254]/hook", "http://[::7f00:1]/hook", "http://[::10.0.0.1]/hook",
    "http://[::169.254.169.254]/hook", "http://[64:ff9b:1::5db8:d822]/hook", "http://[::ffff:0:7f00:1]/hook",
]


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("urls")
    return {"survey": make_app("survey", tmp), "notifier": make_app("notifier", tmp)}


@pytest.fixture(scope="module")
def survey_id(apps):
    app = apps["survey"]
    client, headers = app.test_client(), bearer(app.config["CX_KEYS"]["admin"])
    created = client.post("/v1/surveys", json=survey_body(name="hooks"), headers=headers)
    assert client.post(f"/v1/surveys/{created.json['id']}/publish", headers=headers).status_code == 201
    return created.json["id"]


def _trigger(apps, survey_id, url):
    app = apps["survey"]
    return app.test_client().post("/v1/triggers", headers=bearer(app.config["CX_KEYS"]["marketer"]), json={
        "name": "hook", "event_type": "ticket.closed", "survey_id": survey_id, "channel": "webhook",
        "webhook_url": url})


@pytest.mark.parametrize("url", REFUSED)
def test_survey_trigger_refuses_internal_webhook_urls_when_saved(apps, survey_id, url):
    reply = _trigger(apps, survey_id, url)
    assert reply.status_code == 422, (reply.status_code, reply.json)
    assert reply.json["code"] == 422


def test_survey_trigger_refuses_internal_urls_on_update_too(apps, survey_id):
    created = _trigger(apps, survey_id, f"https://{PUBLIC}/hook")
    assert created.status_code == 201, created.json
    app = apps["survey"]
    for url in ("http://127.0.0.1/hook", "http://[::ffff:10.0.0.1]/x", "http://2130706433/"):
        reply = app.test_client().patch(f"/v1/triggers/{created.json['id']}", json={"webhook_url": url},
                                        headers=bearer(app.config["CX_KEYS"]["marketer"]))
        assert reply.status_code == 422, (url, reply.json)


@pytest.mark.parametrize("kind", ["webhook", "slack"])
@pytest.mark.parametrize("url", REFUSED)
def test_notifier_subscription_refuses_internal_urls_when_saved(apps, url, kind):
    app = apps["notifier"]
    channel = {"type": kind, "url": url, **({"secret": "s" * 20} if kind == "webhook" else {})}
    reply = app.test_client().post("/v1/subscriptions", json=subscription_body(channels=[channel]),
                                   headers=bearer(app.config["CX_KEYS"]["team_lead"]))
    assert reply.status_code == 422, (reply.status_code, reply.json)


@pytest.mark.parametrize("address, allowed", [
    ("2002:5db8:d822::1", True), ("64:ff9b::5db8:d822", True), ("2002:7f00:1::", False),
    ("2002:0a00:0001::", False), ("64:ff9b::c0a8:0101", False), ("::ac10:0304", False), ("::1", False),
    ("::", False), ("64:ff9b:1::5db8:d822", False), ("2606:2800:220:1::", True),
])
def test_embedded_ipv4_is_judged_as_the_ipv4_it_reaches(address, allowed):
    """6to4 and NAT64 of a public IPv4 reach that public address; of a private one, the inside."""
    def resolver(host, port):
        return [address]
    if allowed:
        assert check_url("https://hooks.example.com/x", resolver=resolver).address == address
    else:
        with pytest.raises(UnsafeUrlError):
            check_url("https://hooks.example.com/x", resolver=resolver)


def test_embedded_loopback_passes_only_with_the_loopback_flag():
    for address in ("2002:7f00:1::", "64:ff9b::7f00:1", "::7f00:1"):
        check_url("https://hooks.example.com/x", allow_loopback=True, resolver=lambda host, port, a=address: [a])
        with pytest.raises(UnsafeUrlError, match="loopback"):
            check_url("https://hooks.example.com/x", resolver=lambda host, port, a=address: [a])


def test_public_urls_are_accepted_when_saved(apps, survey_id):
    assert _trigger(apps, survey_id, f"https://{PUBLIC}/hook").status_code == 201
    app = apps["notifier"]
    channels = [{"type": "webhook", "url": f"https://{PUBLIC}/h", "secret": "s" * 20},
                {"type": "slack", "url": f"https://{PUBLIC}/services/T/B/x"}]
    reply = app.test_client().post("/v1/subscriptions", json=subscription_body(channels=channels),
                                   headers=bearer(app.config["CX_KEYS"]["team_lead"]))
    assert reply.status_code == 201, reply.json


class Receiver:
    """A local HTTP server: records what reaches it; ``redirect_to`` makes it answer 302 (or 307)."""

    def __init__(self, redirect_to: str | None = None, status: int = 302) -> None:
        self.redirect_to, self.status, self.hits = redirect_to, status, []
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        self.hits.append(Request(environ).path)
        if self.redirect_to:
            return Response("", status=self.status, headers={"Location": self.redirect_to})(environ, start_response)
        return Response("{}", status=200, mimetype="application/json")(environ, start_response)


@pytest.fixture
def receivers():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]
    yield make
    for receiver in made:
        receiver.server.shutdown()


def _outgoing(url: str) -> OutgoingInvitation:
    return OutgoingInvitation(invitation_id=7, channel="webhook", customer_id="c1", email=None, phone=None,
                              language="ko", title="t", intro="i", survey_url="https://cx.example/r/x",
                              unsubscribe_url="https://cx.example/u/x", expires_at="2026-03-09T00:00:00+00:00",
                              webhook_url=url)


def _resolver_to(address: str):
    def resolve(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
    return resolve


NOTICE = {"kind": "test", "metric": "nps", "reason": "r", "scope": {}}


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:192.168.0.1",
                                     "2002:a9fe:a9fe::1", "64:ff9b::a01:203", "::c0a8:1"])
def test_send_time_check_refuses_a_host_that_now_resolves_privately(monkeypatch, address):
    """DNS rebinding: the name passed at save time; at send time it points inside."""
    monkeypatch.setitem(check_webhook_url.__kwdefaults__, "resolve", _resolver_to(address))
    with pytest.raises(PermanentDeliveryError, match="refused"):
        WebhookSender(secret="s", allow_private=False)(_outgoing("https://hooks.example.com/cx"))
    monkeypatch.setitem(check_url.__kwdefaults__, "resolver", lambda host, port: [address])
    with pytest.raises(NotifierPermanentError, match="refused"):
        senders.send_webhook(NOTICE, url="https://hooks.example.com/cx", secret="s", idempotency_key="k",
                             timeout=2, allow_loopback=False)
    with pytest.raises(NotifierPermanentError, match="refused"):
        senders.send_slack(NOTICE, url="https://hooks.slack.example/x", lang="en", timeout=2, allow_loopback=False)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://[::ffff:7f00:1]:9/h", "http://2130706433:9/h",
                                 "http://169.254.169.254/latest/meta-data/"])
def test_send_time_check_refuses_internal_literal_urls(url):
    with pytest.raises(PermanentDeliveryError):
        WebhookSender(secret="s", allow_private=False)(_outgoing(url))
    with pytest.raises(NotifierPermanentError):
        senders.send_webhook(NOTICE, url=url, secret="s", idempotency_key="k", timeout=2, allow_loopback=False)


@pytest.mark.parametrize("sender", ["survey", "notifier"])
def test_rebinding_between_check_and_connect_does_not_reach_inside(monkeypatch, receivers, sender):
    inside = receivers()
    public = _resolver_to(PUBLIC)
    real_getaddrinfo = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):  # what the connection sees: the internal receiver
        if host == "rebind.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", inside.port))]
        return real_getaddrinfo(host, port, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://rebind.example.com:{inside.port}/hook"
    if sender == "survey":
        monkeypatch.setitem(check_webhook_url.__kwdefaults__, "resolve", public)
        call = lambda: WebhookSender(secret="s", allow_private=False, timeout=2)(_outgoing(url))  # noqa: E731
    else:
        monkeypatch.setitem(check_url.__kwdefaults__, "resolver", lambda host, port: [PUBLIC])
        call = lambda: senders.send_webhook(NOTICE, url=url, secret="s", idempotency_key="k",  # noqa: E731
                                            timeout=2, allow_loopback=False)
    try:
        call()
    except Exception:  # noqa: BLE001 - refusing is the right outcome; reaching inside is not
        pass
    assert inside.hits == []


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed_when_sent(receivers, status):
    inside = receivers()
    redirecting = receivers(redirect_to=inside.url, status=status)
    with pytest.raises(PermanentDeliveryError):
        WebhookSender(secret="s", allow_private=True, timeout=2)(_outgoing(redirecting.url))
    with pytest.raises(NotifierPermanentError, match="redirect"):
        senders.send_webhook(NOTICE, url=redirecting.url, secret="s", idempotency_key="k", timeout=2,
                             allow_loopback=True)
    with pytest.raises(NotifierPermanentError, match="redirect"):
        senders.send_slack(NOTICE, url=redirecting.url, lang="en", timeout=2, allow_loopback=True)
    assert len(redirecting.hits) == 3 and inside.hits == []
