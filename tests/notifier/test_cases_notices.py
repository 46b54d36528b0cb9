"""The low-score notices link to the case the signal opened and carry its playbook's instruction in the
notice's language (email, Slack, webhook); a correction leaves its mark on the case; an erasure clears
the customer's text from their cases."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.notifier.channels.render import notice_view
from services.notifier.channels.senders import email_message
from services.notifier.channels.slack import slack_payload
from services.notifier.models.subscriptions import Subscription
from services.notifier.signals import digest_notice
from tests.notifier.cases_support import case_of, person, playbook_body, post_signal
from tests.notifier.support import NOW, subscription_body
from tests.support import ADMIN_KEY, auth

ADMIN = auth(ADMIN_KEY)
CONSOLE = "https://console.example.com"


def notices(service) -> dict[str, dict]:
    rows = service.connection.execute(text("SELECT destination, payload FROM outbox_messages ORDER BY id")).all()
    return {row.destination: (row.payload if isinstance(row.payload, dict) else json.loads(row.payload))["notice"]
            for row in rows}


def test_every_channel_links_the_case_and_shows_the_playbook_in_its_language(make_service):
    service = make_service("notifier", clock=ManualClock(NOW),
                           env={"NOTIFIER_ALLOW_PRIVATE_WEBHOOKS": "1", "NOTIFIER_CONSOLE_URL": CONSOLE})
    client = service.http = service.client()
    channels = [{"type": "email", "address": "lead@example.com"},
                {"type": "slack", "url": "http://127.0.0.1:9/slack"},
                {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": "s" * 24}]
    created = client.post("/v1/subscriptions", headers=ADMIN, json=subscription_body(
        rule={"kind": "low_score"}, channels=channels, lang="ko"))
    assert created.status_code == 201, created.json
    client.post("/v1/playbooks", headers=ADMIN, json=playbook_body())
    case = case_of(service, post_signal(service)["response_id"])
    link = f"{CONSOLE}/cases/{case['id']}"
    sent = notices(service)
    webhook = sent["webhook"]["signals"][0]
    assert webhook["case_id"] == case["id"] and webhook["case_url"] == link
    assert webhook["playbook"]["instruction"]["en"] == "Call within 24 hours; offer re-delivery"
    mail = email_message(sent["email"], to="lead@example.com", sender="a@example.com", lang="ko",
                         unsubscribe_url="https://n.example.com/u/x", console_url=CONSOLE)
    plain = mail.get_body(("plain",)).get_content()
    assert f"케이스 열기: {link}" in plain and "대응 방법: 24시간 안에 전화하고 재배송을 제안하세요" in plain
    assert f'href="{link}"' in mail.get_body(("html",)).get_content()
    blocks = json.dumps(slack_payload(notice_view(sent["slack"], lang="en", tz="UTC", console_url=CONSOLE)),
                        ensure_ascii=False)
    assert link in blocks and "Call within 24 hours; offer re-delivery" in blocks and "What to do" in blocks


def test_without_a_console_address_the_notice_names_the_case_but_links_nowhere(notifier):
    notifier.http.post("/v1/subscriptions", headers=ADMIN, json=subscription_body(rule={"kind": "low_score"}))
    case = case_of(notifier, post_signal(notifier)["response_id"])
    item = notices(notifier)["email"]["signals"][0]
    assert item["case_id"] == case["id"] and item["case_url"] is None and item["playbook"] is None
    view = notice_view(notices(notifier)["email"], lang="en", tz="UTC", console_url=None)
    assert view.signals[0].links == []


def test_a_correction_to_no_longer_low_resolves_an_untouched_case_and_notes_a_worked_one(notifier):
    untouched = post_signal(notifier)
    worked = post_signal(notifier)
    worked_case = case_of(notifier, worked["response_id"])
    notifier.http.post(f"/v1/cases/{worked_case['id']}/assign", headers=ADMIN, json={"assignee": person()})
    notifier.clock.advance(hours=1)
    for body in (untouched, worked):
        reply = notifier.http.post("/v1/signals", headers=ADMIN, json={**body, "score": 9, "low": False, "revision": 2})
        assert reply.json["status"] == "corrected"
    closed = case_of(notifier, untouched["response_id"])
    assert closed["status"] == "resolved" and closed["outcome"] == "no_action" and closed["score"] == 9
    assert closed["history"][-1]["actor"] == "system" and "no longer low" in closed["history"][-1]["text"]
    assert closed["first_action_at"] is None
    still = case_of(notifier, worked["response_id"])
    assert still["status"] == "open" and still["score"] == 9 and still["history"][-1]["kind"] == "noted"
    again = notifier.http.post("/v1/signals", headers=ADMIN, json={**untouched, "score": 1, "revision": 3})
    assert again.json["status"] == "corrected"
    reopened = case_of(notifier, untouched["response_id"])
    assert reopened["status"] == "open" and reopened["outcome"] is None and reopened["score"] == 1
    assert reopened["history"][-1]["kind"] == "reopened"


def test_an_erasure_clears_the_customers_text_from_their_cases(notifier):
    body = post_signal(notifier, customer_id="c-erase", comment="제 전화번호는 010-1234-5678 입니다",
                       answers=[{"question_key": "q_nps", "type": "nps", "value": 2},
                                {"question_key": "q_text", "type": "text", "text": "김철수, 서울"}])
    other = post_signal(notifier, customer_id="c-keep")
    case = case_of(notifier, body["response_id"])
    notifier.http.post(f"/v1/cases/{case['id']}/notes", headers=ADMIN, json={"text": "called 010-1234-5678"})
    notifier.http.post(f"/v1/cases/{case['id']}/resolve", headers=ADMIN, json={"outcome": "resolved", "note": "refund"})
    service = auth(notifier.key_for("service"))
    erasure = {"customer_id": "c-erase", "response_ids": [], "erased_at": NOW.isoformat()}
    first = notifier.http.post("/v1/erasures", headers=service, json=erasure)
    assert first.status_code == 200 and first.json["changed"] == 2  # the signal's attributes and the case
    erased = notifier.http.get(f"/v1/cases/{case['id']}", headers=ADMIN).json
    assert erased["comment"] is None and erased["answers"] == []
    assert all(e["text"] is None for e in erased["history"]) and erased["history"][-1]["outcome"] == "resolved"
    assert notifier.http.post("/v1/erasures", headers=service, json=erasure).json["changed"] == 0
    kept = case_of(notifier, other["response_id"])
    assert kept["comment"] == "배송이 너무 느렸어요" and kept["answers"]


def test_a_digest_names_each_signals_case(notifier):
    created = notifier.http.post("/v1/subscriptions", headers=ADMIN, json=subscription_body(
        rule={"kind": "low_score", "digest_minutes": 30}))
    notifier.http.post("/v1/playbooks", headers=ADMIN, json=playbook_body())
    cases = [case_of(notifier, post_signal(notifier)["response_id"]) for _ in range(2)]
    with Session(bind=notifier.connection, join_transaction_mode="create_savepoint") as session:
        subscription = session.get(Subscription, created.json["id"])
        notice = digest_notice(session, subscription, start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=1))
    assert sorted(item["case_id"] for item in notice["signals"]) == sorted(c["id"] for c in cases)
    assert notice["signals"][0]["playbook"]["instruction"]["ko"] == "24시간 안에 전화하고 재배송을 제안하세요"
