"""Channels against real local parts: an SMTP server (aiosmtpd) and an HTTP receiver that checks
the signature; URL safety at send time; no redirects followed."""

from __future__ import annotations

import email
import json
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.common.outbox import PermanentDeliveryError
from services.notifier.channels.chart import notice_chart
from services.notifier.channels.senders import email_message, send_email, send_slack, send_webhook
from services.notifier.channels.url_safety import UnsafeUrlError, check_url
from tests.support import free_port, verified

NOTICE = {"kind": "firing", "subscription_id": "s1", "subscription_name": "배송 NPS", "metric": "nps",
          "scope": {"touchpoint": ["delivery"]}, "group": {}, "p_value": 0.003,
          "current": {"value": 20.0, "ci_low": 12.0, "ci_high": 28.0, "n": 200},
          "baseline": {"value": 31.0, "ci_low": 28.0, "ci_high": 34.0, "n": 2400},
          "difference": {"value": -11.0, "ci_low": -19.5, "ci_high": -2.5, "n": 2600},
          "keywords": ["배송", "포장"], "link": "http://127.0.0.1:8002/v1/scores/compare?metric=nps",
          "trend": [{"period": f"w{i}", "value": v, "ci_low": v - 6, "ci_high": v + 6, "n": 200}
                    for i, v in enumerate([31, 30, 33, 29, 20])]}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class Receiver:
    def __init__(self, secret="s" * 24, redirect=False):
        self.secret, self.redirect, self.bodies = secret, redirect, []
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if self.redirect:
            return Response("", status=302, headers={"Location": "http://169.254.169.254/"})(environ, start_response)
        body = request.get_data()
        if self.secret and not verified(self.secret, request.headers, body):  # stale stamps fail too
            return Response("bad signature", status=401)(environ, start_response)
        self.bodies.append(json.loads(body))
        return Response("ok")(environ, start_response)


def test_email_reaches_a_real_smtp_server_in_korean_with_chart_and_unsubscribe(smtp):
    controller, inbox = smtp
    message = email_message(NOTICE, to="lead@example.com", sender="alerts@cxloop.invalid", lang="ko",
                            unsubscribe_url="http://127.0.0.1:8003/unsubscribe/tok")
    send_email(message, smtp_host="127.0.0.1", smtp_port=controller.port, mail_dir="unused", name="x")
    received = inbox.messages[0]
    assert "점수 하락" in received["Subject"] and "배송 NPS" in received["Subject"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(("plain",)).get_content()
    assert "[12.0, 28.0] · n = 200" in text and "p = 0.003" in text and "배송, 포장" in text
    images = [part for part in received.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")


def test_without_smtp_mail_goes_to_files(tmp_path):
    message = email_message(NOTICE, to="a@example.com", sender="x@y.z", lang="en", unsubscribe_url="http://u")
    send_email(message, smtp_host=None, smtp_port=25, mail_dir=str(tmp_path), name="ep:1:firing:0:abc")
    assert [p.name for p in tmp_path.iterdir()] == ["ep_1_firing_0_abc.eml"]


def test_the_chart_needs_two_points_and_draws_a_png():
    assert notice_chart({**NOTICE, "trend": NOTICE["trend"][:1]}, lang="en", tz="UTC") is None
    assert notice_chart(NOTICE, lang="en", tz="UTC").startswith(b"\x89PNG")


def test_a_signed_webhook_is_verified_by_the_receiver():
    receiver = Receiver()
    send_webhook(NOTICE, url=receiver.url, secret=receiver.secret, idempotency_key="k1", timeout=5,
                 allow_loopback=True)
    assert receiver.bodies[0]["difference"]["value"] == -11.0
    with pytest.raises(PermanentDeliveryError):  # wrong secret: 401 is permanent
        send_webhook(NOTICE, url=receiver.url, secret="w" * 24, idempotency_key="k2", timeout=5,
                     allow_loopback=True)
    receiver.server.shutdown()


def test_loopback_is_refused_at_send_without_the_flag_and_redirects_are_not_followed():
    receiver = Receiver(redirect=True)
    with pytest.raises(PermanentDeliveryError, match="loopback"):
        send_webhook(NOTICE, url=receiver.url, secret="s" * 24, idempotency_key="k", timeout=5,
                     allow_loopback=False)
    with pytest.raises(PermanentDeliveryError, match="redirect"):
        send_slack(NOTICE, url=receiver.url, lang="en", timeout=5, allow_loopback=True)
    receiver.server.shutdown()


def test_slack_gets_block_kit_with_the_headline_and_the_numbers_as_fields():
    receiver = Receiver(secret="")
    send_slack(NOTICE, url=receiver.url, lang="en", timeout=5, allow_loopback=True,
               console_url="https://console.example.com")
    receiver.server.shutdown()
    body = receiver.bodies[0]
    assert body["text"].startswith("배송 NPS fell to 20.0 (baseline 31.0, difference -11.0 [-19.5, -2.5], p = 0.003)")
    kinds = [block["type"] for block in body["blocks"]]
    assert kinds[:2] == ["context", "section"] and len(kinds) <= 50
    fields = [f["text"] for block in body["blocks"] if block["type"] == "section" for f in block.get("fields", [])]
    assert "*Difference*\n-11.0 [-19.5, -2.5] · p = 0.003" in fields
    buttons = [e for block in body["blocks"] if block["type"] == "actions" for e in block["elements"]]
    # no window in the notice: no responses to link to; the alert's own page in the console
    assert [(b["text"]["text"], b["url"]) for b in buttons] == [("Open the alert", "https://console.example.com/alerts/s1")]


@pytest.mark.parametrize("addresses, allowed", [
    (["93.184.216.34"], True), (["127.0.0.1"], False), (["::ffff:10.1.2.3"], False), (["fe80::1"], False),
    (["93.184.216.34", "10.0.0.1"], False), (["240.0.0.1"], False), (["2606:2800:220:1::"], True),
])
def test_every_resolved_address_must_be_public(addresses, allowed):
    def resolver(host, port):
        return addresses
    if allowed:
        check_url("https://hooks.example.com/x", resolver=resolver)
    else:
        with pytest.raises(UnsafeUrlError):
            check_url("https://hooks.example.com/x", resolver=resolver)


def test_loopback_passes_only_with_the_flag():
    check_url("http://127.0.0.1:9/x", allow_loopback=True)
    with pytest.raises(UnsafeUrlError):
        check_url("http://10.0.0.1/x", allow_loopback=True)
    with pytest.raises(UnsafeUrlError):
        check_url("ftp://93.184.216.34/x")


HOSTILE = "<!channel> <https://evil.example/login|Reset your password> & more"


def test_slack_escapes_everything_users_wrote_so_nothing_pings_or_hides_a_link():
    notice = {**NOTICE, "kind": "low_score", "subscription_name": "Leads <!here>", "reason": "score <= 6",
              "signals": [{"score": 1, "customer_id": "<@U123>", "touchpoint": "delivery", "comment": HOSTILE,
                           "answers": [{"question_key": "q", "text": "<!everyone>"}]}]}
    receiver = Receiver(secret="")
    send_slack(notice, url=receiver.url, lang="en", timeout=5, allow_loopback=True)
    receiver.server.shutdown()
    texts = [receiver.bodies[0]["text"]]
    for block in receiver.bodies[0]["blocks"]:
        texts += [part["text"] for part in [block.get("text") or {}, *block.get("fields", []),
                                            *block.get("elements", [])] if isinstance(part.get("text"), str)]
    text = "\n".join(texts)
    assert "<" not in text and ">" not in text.replace("\n> ", "\n")  # "> " starts Slack's quote of the comment
    assert "&lt;!channel&gt; &lt;https://evil.example/login|Reset your password&gt; &amp; more" in text
    assert "&lt;!here&gt;" in text and "&lt;@U123&gt;" in text and "&lt;!everyone&gt;" in text


def test_email_escapes_html_and_keeps_the_subject_on_one_line():
    notice = {**NOTICE, "kind": "low_score", "subscription_name": "old\r\nBcc: victim@example.com",
              "reason": "x", "signals": [{"score": 1, "comment": '<img src=x onerror="alert(1)">'}]}
    message = email_message(notice, to="lead@example.com", sender="alerts@cxloop.invalid", lang="en",
                            unsubscribe_url="http://127.0.0.1:8003/unsubscribe/tok")
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None and "old  Bcc: victim@example.com" in parsed["Subject"]
    html_part = parsed.get_body(("html",)).get_content()
    assert "<img src=x" not in html_part and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html_part
