"""Response links against real gunicorn on PostgreSQL: forged tokens of the right shape, tokens made
with another secret, replays after completion, expired links, and 50 concurrent uses of one link
(one-click GETs and form POSTs mixed) - one response, no 5xx."""

from __future__ import annotations

import base64
import secrets
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from services.survey.models import Survey
from services.survey.tokens import derive_token
from tests.reliability.stacks import FAST_WORKER, Stack
from tests.survey.response_support import publish_survey, send_invitation

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
SECRET = FAST_WORKER["SURVEY_TOKEN_SECRET"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("links"), ("survey",))
    stack.web("survey", workers=3)
    stack.engine = create_engine(stack.databases["survey"])
    with Session(stack.engine) as session:
        survey_id = publish_survey(session, now=datetime.now(UTC)).id
        session.commit()
    stack.survey_id = survey_id
    yield stack
    stack.engine.dispose()
    stack.close()


def _invite(stack, customer: str, *, sent_days_ago: float = 0, valid_days: float = 7):
    sent = datetime.now(UTC) - timedelta(days=sent_days_ago)
    with Session(stack.engine) as session:
        survey = session.get(Survey, stack.survey_id)
        invitation, token = send_invitation(session, survey, SECRET, customer_id=customer, now=sent,
                                            expires_in=timedelta(days=valid_days))
        session.commit()
        return invitation.id, token


def _responses(stack, invitation_id: int) -> list:
    with stack.engine.connect() as connection:
        return connection.execute(text("SELECT completed_at FROM responses WHERE invitation_id = :i"),
                                  {"i": invitation_id}).all()


ANSWERS = {"q_nps": "9", "q_csat": "5"}


def test_forged_tokens_of_the_right_shape_are_unknown(stack):
    base = stack.urls["survey"]
    _, real = _invite(stack, "forge-victim")
    forged = [base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode() for _ in range(20)]
    forged.append(derive_token("some-other-secret", secrets.token_hex(16)))  # right scheme, wrong secret
    forged.append(real[:-1] + ("A" if real[-1] != "A" else "B"))  # one character off a real token
    forged += [real.upper(), real + "A", "A" * 43, "%00" * 10, "../" * 10]
    for token in forged:
        assert len(token) != 43 or token != real
        for reply in (httpx.get(f"{base}/r/{token}", params={"score": "0", "q": "nps"}, timeout=10),
                      httpx.post(f"{base}/r/{token}", data=ANSWERS, timeout=10)):
            assert reply.status_code == 404, (token, reply.status_code)
            assert "추천" not in reply.text and "recommend" not in reply.text  # nothing of the survey shows
    with stack.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM responses")).scalar() == 0


def test_a_completed_link_cannot_be_answered_again(stack):
    base = stack.urls["survey"]
    invitation_id, token = _invite(stack, "replayer")
    first = httpx.post(f"{base}/r/{token}", data=ANSWERS, timeout=10)
    assert first.status_code == 200 and "감사합니다!" in first.text
    stored = _responses(stack, invitation_id)
    for reply in (httpx.post(f"{base}/r/{token}", data={"q_nps": "0", "q_csat": "1"}, timeout=10),
                  httpx.get(f"{base}/r/{token}", params={"score": "0", "q": "nps"}, timeout=10)):
        assert reply.status_code == 200 and "이미 응답" in reply.text  # the "already answered" page
    assert _responses(stack, invitation_id) == stored and len(stored) == 1
    with stack.engine.connect() as connection:
        answers = connection.execute(text("SELECT answers::text FROM responses WHERE invitation_id = :i"),
                                     {"i": invitation_id}).scalar()
    assert '"9"' in answers or ": 9" in answers, answers  # the first answer stands


def test_an_expired_link_stores_nothing(stack):
    base = stack.urls["survey"]
    invitation_id, token = _invite(stack, "late", sent_days_ago=8, valid_days=7)
    for reply in (httpx.get(f"{base}/r/{token}", params={"score": "10", "q": "nps"}, timeout=10),
                  httpx.post(f"{base}/r/{token}", data=ANSWERS, timeout=10)):
        assert reply.status_code in (404, 410), reply.status_code
        assert "감사합니다!" not in reply.text
    assert _responses(stack, invitation_id) == []


def test_fifty_concurrent_uses_of_one_link_store_one_response(stack):
    base = stack.urls["survey"]
    invitation_id, token = _invite(stack, "racer")
    barrier, outcomes, lock = threading.Barrier(50), [], threading.Lock()

    def use(i: int) -> None:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            if i % 2:
                reply = client.get(f"{base}/r/{token}", params={"score": str(i % 11), "q": "nps"})
            else:
                reply = client.post(f"{base}/r/{token}", data={"q_nps": str(i % 11), "q_csat": "4"})
        with lock:
            outcomes.append((reply.status_code, "감사합니다!" in reply.text and "이미 응답" not in reply.text))

    threads = [threading.Thread(target=use, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 50 and all(status < 500 for status, _ in outcomes), outcomes
    assert sum(thanks for _, thanks in outcomes) == 1, outcomes
    rows = _responses(stack, invitation_id)
    assert len(rows) == 1 and rows[0][0] is not None
