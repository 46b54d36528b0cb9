"""Security headers: every HTML page (docs, unsubscribe pages) and every /v1 reply, on every service."""

from __future__ import annotations

import re

import pytest

from services.common.security_headers import inline_script_hashes
from tests.support import ADMIN_KEY, SERVICES, auth


@pytest.fixture(params=SERVICES)
def service(request, make_service):
    return make_service(request.param)


def _assert_page_headers(reply):
    assert reply.mimetype == "text/html", reply.mimetype
    policy = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and re.search(r"default-src '(none|self)'", policy)
    assert "'unsafe-inline'" not in re.search(r"script-src[^;]*|$", policy).group(0)
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


def test_the_docs_page_has_a_policy_that_allows_only_its_own_inline_script(service):
    reply = service.client().get("/docs")
    assert reply.status_code == 200
    _assert_page_headers(reply)
    policy = reply.headers["Content-Security-Policy"]
    hashes = inline_script_hashes(reply.get_data())
    assert len(hashes) == 1 and hashes[0] in policy and "connect-src 'self'" in policy


@pytest.mark.parametrize("service_name, path", [("survey", "/unsubscribe/not-a-real-token"),
                                                 ("notifier", "/unsubscribe/not-a-real-token")])
def test_unsubscribe_pages_have_the_page_headers(make_service, service_name, path):
    client = make_service(service_name).client()
    for reply in (client.get(path), client.post(path)):
        _assert_page_headers(reply)
        assert "script-src" not in reply.headers["Content-Security-Policy"]  # default-src 'none': no scripts


def test_v1_replies_are_nosniff_and_never_stored(service):
    client = service.client()
    for reply in (client.get("/v1/whoami", headers=auth(ADMIN_KEY)), client.get("/v1/whoami")):
        assert reply.mimetype == "application/json"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Cache-Control"] == "no-store"
    assert service.client().get("/healthz").headers["X-Content-Type-Options"] == "nosniff"
