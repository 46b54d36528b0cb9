"""Every cxloop webhook is signed by Standard Webhooks: the reference library verifies our signatures."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared.webhook_signing import signature, signed_headers, standard_secret, verify

BODY = '{"kind":"firing","comment":"배송이 늦었어요"}'.encode()


@pytest.mark.parametrize("secret", ["a-channel-secret-of-16+", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
def test_the_reference_verifier_accepts_our_signatures(secret):
    now = int(time.time())
    headers = signed_headers(secret, "msg-1", now, BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(standard_secret(secret)).verify(BODY, headers)["kind"] == "firing"
    reference = Webhook(standard_secret(secret)).sign("msg-1", datetime.fromtimestamp(now, UTC), BODY)
    assert headers["webhook-signature"] == reference
    assert verify(secret, headers, BODY, now=now)


def test_tampering_another_secret_and_stale_timestamps_fail():
    now = int(time.time())
    headers = signed_headers("a-channel-secret-of-16+", "msg-1", now, BODY)
    assert not verify("a-channel-secret-of-16+", headers, BODY + b" ", now=now)
    assert not verify("another-secret-entirely", headers, BODY, now=now)
    assert not verify("a-channel-secret-of-16+", headers, BODY, now=now + 301)
    assert not verify("a-channel-secret-of-16+", {**headers, "webhook-id": "msg-2"}, BODY, now=now)
    with pytest.raises(WebhookVerificationError):
        Webhook(standard_secret("another-secret-entirely")).verify(BODY, headers)


def test_several_signatures_during_a_secret_rotation():
    now = int(time.time())
    both = f"{signature('old-secret-0123456', 'm', now, BODY)} {signature('new-secret-0123456', 'm', now, BODY)}"
    headers = {"webhook-id": "m", "webhook-timestamp": str(now), "webhook-signature": both}
    assert verify("old-secret-0123456", headers, BODY, now=now)
    assert verify("new-secret-0123456", headers, BODY, now=now)
