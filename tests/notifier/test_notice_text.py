"""What a team lead reads: one sentence first in their language, p-values as people write them, dates
in their zone, labelled answers, console links only when the console is configured, and a test send
of the subscription's own metric."""

from __future__ import annotations

import re

import pytest

from services.notifier.channels.render import body_lines, notice_view
from services.notifier.channels.wording import direction_particle, subject_particle
from tests.notifier.support import signal_body, subscription_body
from tests.notifier.test_alert_email import notifier_with_mail, send_queued_email  # noqa: F401 - fixture
from tests.support import ADMIN_KEY, auth

DROP = {"kind": "firing", "subscription_id": "s1", "subscription_name": "배송 CSAT", "metric": "csat",
        "episode_id": 12, "scope": {"touchpoint": ["delivery"]}, "group": {}, "rule": {"kind": "drop"},
        "window": {"from": "2026-11-22T15:00:00+00:00", "to": "2026-11-29T15:00:00+00:00"},
        "current": {"value": 41.1, "ci_low": 33.0, "ci_high": 49.5, "n": 95},
        "baseline": {"value": 73.5, "ci_low": 71.0, "ci_high": 76.0, "n": 1400},
        "difference": {"value": -32.45, "ci_low": -41.6, "ci_high": -22.7, "n": 1495},
        "p_value": 2.4e-9, "keywords": ["배송", "지연"], "reason": "dropped 32.5 (p = 2.4e-09 < 0.05)"}
LOW = {"kind": "low_score", "subscription_id": "s2", "subscription_name": "Delivery low scores", "metric": "csat",
       "signals": [{"response_id": "r-9", "customer_id": "cust-7", "touchpoint": "delivery", "metric": "csat",
                    "score": 1, "comment": "상자가 찢어져 왔어요", "answered_at": "2026-12-04T00:14:00+00:00",
                    "answers": [{"question_key": "csat", "type": "csat", "value": 1},
                                {"question_key": "issues", "type": "multi_choice", "choices": ["late", "damaged"]},
                                {"question_key": "comment", "type": "text", "text": "상자가 찢어져 왔어요"}],
                    "questions": {"csat": {"text": "How satisfied were you?", "choices": {}},
                                  "issues": {"text": "What went wrong?",
                                             "choices": {"late": "late", "damaged": "damaged"}}}}]}
HANGUL = re.compile(r"[가-힣]")
OUR_ENGLISH = re.compile(r"\b(Score|drop|baseline|Baseline|Difference|Customer|Comment|Unsubscribe|Open|window)\b")


def test_the_first_line_is_the_sentence_of_the_issue_in_korean_with_the_dates_in_seoul():
    view = notice_view(DROP, lang="ko", tz="Asia/Seoul", console_url=None)
    assert view.headline == ("배송 CSAT가 11월 23일~29일 41.1로 떨어졌습니다 "
                             "(기준 73.5, 차이 -32.5 [-41.6, -22.7], p < 0.001).")
    text = "\n".join(body_lines(view, unsubscribe_url="https://alerts.example.com/unsubscribe/t"))
    assert text.startswith(view.headline) and "2.4e" not in text and "0.0000" not in text
    assert not OUR_ENGLISH.search(text), text  # no English word of ours in a Korean notice
    assert "http" not in text.replace("https://alerts.example.com/unsubscribe/t", "")  # no console: no link


def test_in_english_the_same_numbers_and_no_korean_word_of_ours():
    view = notice_view({**DROP, "subscription_name": "Delivery CSAT", "keywords": ["late"]}, lang="en",
                       tz="America/New_York", console_url="https://console.example.com/")
    assert view.headline == ("Delivery CSAT fell to 41.1 in Nov 22\u2009–\u200929 (baseline 73.5, difference "
                             "-32.5 [-41.6, -22.7], p < 0.001).")  # New York's days: the window began on the 22nd
    text = "\n".join(body_lines(view))
    assert not HANGUL.search(text), text
    assert "Open the alert: https://console.example.com/alerts/s1" in text  # the console's alert page
    assert "https://console.example.com/responses?from=2026-11-22&to=2026-11-29&touchpoint=delivery" in text
    assert "/v1/" not in text  # no API URL a browser answers with 401


def test_a_low_score_shows_the_answers_by_their_labels_the_comment_the_customer_and_links():
    view = notice_view(LOW, lang="en", tz="Asia/Seoul", console_url="https://console.example.com")
    assert view.headline == "CSAT 1 from customer cust-7 at delivery, Dec 4, 09:14 Asia/Seoul."
    [item] = view.signals
    assert item.answers == [("How satisfied were you?", "1 / 5"), ("What went wrong?", "late; damaged")]
    assert item.comment == "상자가 찢어져 왔어요" and ("Customer", "cust-7") in item.facts
    assert [link.url for link in item.links] == ["https://console.example.com/responses/r-9",
                                                 "https://console.example.com/customers/cust-7"]
    assert "None" not in "\n".join(body_lines(view))
    korean = notice_view(LOW, lang="ko", tz="Asia/Seoul", console_url=None)
    assert korean.headline == "cust-7 고객이 delivery에서 CSAT 1점을 주었습니다 (12월 4일 09:14 Asia/Seoul)."
    assert korean.signals[0].links == []


@pytest.mark.parametrize("word, ga, ro", [("CSAT", "가", "로"), ("배송 NPS", "가", "로"), ("만족도", "가", "로"),
                                          ("응답 수", "가", "로"), ("41.1", "이", "로"), ("23", "이", "으로"),
                                          ("-3.0", "이", "으로"), ("7.5", "가", "로"), ("상품", "이", "으로"),
                                          ("고객 평점", "이", "으로"), ("서울", "이", "로")])
def test_korean_particles_follow_the_last_sound(word, ga, ro):
    assert subject_particle(word) == ga and direction_particle(word) == ro


def test_a_test_send_of_a_csat_subscription_says_csat(notifier_with_mail, tmp_path):  # noqa: F811
    service = notifier_with_mail
    body = subscription_body(name="배송 만족도", metric="csat", lang="ko", time_zone="Asia/Seoul")
    created = service.client().post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY))
    assert created.status_code == 201 and created.get_json()["time_zone"] == "Asia/Seoul"
    assert service.client().post(f"/v1/subscriptions/{created.get_json()['id']}/test",
                                 headers=auth(ADMIN_KEY)).status_code == 202
    mail = send_queued_email(service, tmp_path)
    text = mail.get_body(("plain",)).get_content()
    assert "CSAT" in mail["Subject"] and "NPS" not in mail["Subject"] + text
    assert text.startswith("배송 만족도 CSAT가 ") and "테스트 발송입니다" in text and "지연" in text


def test_a_bad_time_zone_is_a_clear_422(notifier):
    reply = notifier.http.post("/v1/subscriptions", json=subscription_body(time_zone="Mars/Olympus"),
                               headers=auth(ADMIN_KEY))
    assert reply.status_code == 422 and "time_zone" in reply.get_json()["errors"]["json"]


def test_the_low_score_notice_from_a_signal_carries_the_labels_survey_sent(notifier_with_mail, tmp_path):  # noqa: F811
    service = notifier_with_mail
    body = subscription_body(rule={"kind": "low_score"}, lang="ko")
    assert service.client().post("/v1/subscriptions", json=body, headers=auth(ADMIN_KEY)).status_code == 201
    signal = signal_body(answers=[{"question_key": "q_nps", "type": "nps", "value": 2},
                                  {"question_key": "issues", "type": "multi_choice", "choices": ["late", "damaged"]}],
                         questions={"q_nps": {"text": "추천하시겠어요?"},
                                    "issues": {"text": "무엇이 문제였나요?",
                                               "choices": {"late": "늦은 배송", "damaged": "파손"}}})
    assert service.client().post("/v1/signals", json=signal, headers=auth(ADMIN_KEY)).status_code == 200
    text = send_queued_email(service, tmp_path).get_body(("plain",)).get_content()
    assert "무엇이 문제였나요?: 늦은 배송; 파손" in text and "추천하시겠어요?: 2 / 10" in text
    assert "배송이 너무 느렸어요" in text and "cust-7" in text and "None" not in text
    assert "/v1/responses" not in text  # the API link survey sent is not shown to people
