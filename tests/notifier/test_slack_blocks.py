"""Slack gets Block Kit with the email's content (headline, numbers, labelled answers, comment,
console buttons), posted to a real local HTTP receiver, within Slack's limits."""

from __future__ import annotations

from services.notifier.channels.senders import send_slack
from tests.notifier.test_channels import NOTICE, Receiver
from tests.notifier.test_notice_text import DROP, LOW

CONSOLE = "https://console.example.com"


def post(notice, lang="ko", console_url=CONSOLE):
    receiver = Receiver(secret="")
    try:
        send_slack(notice, url=receiver.url, lang=lang, tz="Asia/Seoul", timeout=5, allow_loopback=True,
                   console_url=console_url)
    finally:
        receiver.server.shutdown()
    [body] = receiver.bodies
    return body


def texts(body) -> list[str]:
    found = []
    for block in body["blocks"]:
        for part in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(part.get("text"), str):
                found.append(part["text"])
            elif isinstance(part.get("text"), dict):
                found.append(part["text"]["text"])
    return found


def test_a_score_drop_in_slack_leads_with_the_sentence_and_buttons_into_the_console():
    body = post(DROP)
    headline = "배송 CSAT가 11월 23일~29일 41.1로 떨어졌습니다 (기준 73.5, 차이 -32.5 [-41.6, -22.7], p &lt; 0.001)."
    assert body["text"] == headline and f"*{headline}*" in texts(body)
    assert "*차이*\n-32.5 [-41.6, -22.7] · p &lt; 0.001" in texts(body)
    [actions] = [block for block in body["blocks"] if block["type"] == "actions"]
    urls = [button["url"] for button in actions["elements"]]
    assert urls[0] == f"{CONSOLE}/alerts/s1" and urls[1].startswith(f"{CONSOLE}/responses?from=")
    assert actions["elements"][0]["style"] == "primary"  # the alert's own page is the main way in


def test_a_low_score_in_slack_shows_answers_by_label_and_the_comment_quoted():
    body = post(LOW, lang="en")
    shown = texts(body)
    assert "*What went wrong?*\nlate; damaged" in shown and "*Customer*\ncust-7" in shown
    assert "*Comment*\n> 상자가 찢어져 왔어요" in shown
    urls = [e["url"] for block in body["blocks"] if block["type"] == "actions" for e in block["elements"]]
    assert urls == [f"{CONSOLE}/responses/r-9", f"{CONSOLE}/customers/cust-7"]


def test_without_a_console_no_button_and_a_big_digest_stays_within_slack_limits():
    digest = {**LOW, "kind": "digest", "window": {"from": "2026-12-04T00:00:00+00:00", "to": "2026-12-04T01:00:00+00:00"},
              "signals": LOW["signals"] * 30}
    body = post(digest, console_url=None)
    assert len(body["blocks"]) <= 50 and not [b for b in body["blocks"] if b["type"] == "actions"]
    assert body["text"].startswith("12월 4일 09:00 Asia/Seoul부터 12월 4일 10:00 Asia/Seoul까지 낮은 점수 30건")
    assert "외 22건" in texts(body)  # 8 shown of 30
    assert all(len(text) <= 3000 for text in texts(body))


def test_the_old_sample_notice_still_posts():
    assert post(NOTICE, lang="en")["blocks"]
