"""Alert emails and low-score notices as team leads receive them: the notifier's worker pieces (the
evaluation and the outbox relay) send them to a real SMTP server (aiosmtpd); the low score is a real
response on the survey page, its signal as survey queued it, and the brand is read from the survey app
with a service key. Each mail is rendered in headless Chromium at 360 and 1280 px in Korean and
English, with axe and a screenshot under ``test-artifacts/alerts/``."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.common.db import Database, make_engine
from services.common.keys import create_key
from services.common.migrate import upgrade
from services.common.outbox import OutboxRelay
from services.notifier.app import create_app
from services.notifier.channels.handlers import build_handlers
from services.notifier.clients.survey import SurveyClient
from services.notifier.config import TestConfig
from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.notifier.models import PLATFORM as NOTIFIER_PLATFORM
from services.survey.models import PLATFORM as SURVEY_PLATFORM
from tests.browser.axe_support import check_and_screenshot
from tests.browser.brand_support import BRAND, set_brand, smtp_inbox
from tests.browser.test_response_page_browser import invite
from tests.notifier.support import NOW, FakeMetrics, estimate
from tests.support import ADMIN_KEY, auth, free_port

pytestmark = pytest.mark.browser
WIDTHS = {"phone": 360, "desktop": 1280}
CONSOLE = "https://console.example.com"
NAMES = {"ko": "배송 CSAT", "en": "Delivery CSAT"}
HEADLINES = {"ko": "배송 CSAT가 2월 23일~3월 2일 41.1로 떨어졌습니다 (기준 73.5, 차이 -32.4 [-41.6, -22.7], p < 0.001).",
             "en": "Delivery CSAT fell to 41.1 in Feb 23\u2009–\u2009Mar 2 (baseline 73.5, difference -32.4 "
                   "[-41.6, -22.7], p < 0.001)."}
CHOICE_LABELS = {"ko": "배송 조회; 상담", "en": "Tracking; Chat"}


def _contribution(segment, rank, total, shares, scores):
    return {"segment": segment, "rank": rank, "total": {"value": total, "ci_low": total - 3.1, "ci_high": total + 2.9},
            "baseline_share": shares[0], "current_share": shares[1], "baseline_score": scores[0],
            "current_score": scores[1], "baseline_n": 400, "current_n": 40}


EXPLANATION = {"grouping": "attr.carrier", "change": {"value": -32.4, "ci_low": -41.6, "ci_high": -22.7},
               "contributions": [_contribution("한빛택배", 1, -27.9, (0.31, 0.58), (74.0, 25.5)),
                                 _contribution("Swift Post", 2, -3.2, (0.36, 0.22), (73.1, 66.0)),
                                 _contribution("Daehan Logis", 3, -1.3, (0.33, 0.20), (73.4, 70.2))],
               "keywords": {"rising": [{"keyword": "지연", "count": 31, "previous_count": 4, "ratio": 7.7,
                                        "examples": [{"response_id": "r-9", "text": "일주일이나 늦게 왔어요"}]},
                                       {"keyword": "late", "count": 12, "previous_count": 2, "ratio": 6.0,
                                        "examples": [{"response_id": "r-12", "text": "Three days late, no update"}]}]}}


class DippingMetrics(FakeMetrics):
    """Delivery CSAT at 73.5 for weeks, 41.1 in the decided window; weekly points on Seoul's Mondays."""

    def __init__(self):
        super().__init__([{"group": {}, "current": estimate(41.1, 95, half=8.2),
                           "baseline": estimate(73.5, 1400, half=2.3),
                           "difference": {**estimate(-32.4, 1495), "ci_low": -41.6, "ci_high": -22.7},
                           "p_value": 2.1e-9, "test": "score", "significant": True, "direction": "down"}])

    def compare(self, params):
        reply = super().compare(params)
        if params.get("explain"):  # the compare that explains the notice: the late carrier first
            reply["cells"] = [{**cell, "explanation": EXPLANATION} for cell in reply["cells"]]
        return reply

    def trend(self, params):
        end = params["to"]
        last_monday = (NOW - timedelta(days=NOW.weekday() + 7)).date()
        values = [74.2, 73.0, 75.1, 72.4, 74.0, 73.3, 72.8, 41.1]
        return {"series": [{"group": {}, "points": [
            {"period": (last_monday - timedelta(days=7 * (len(values) - 1 - i))).isoformat(), "value": v,
             "ci_low": v - (8.2 if v < 50 else 4.5), "ci_high": v + (8.2 if v < 50 else 4.5),
             "n": 95 if v < 50 else 180} for i, v in enumerate(values)]}], "to": end}


class LiveNotifier:
    """The notifier app on a real SQLite file, its email handler pointed at a real SMTP server."""

    def __init__(self, tmp_path: Path, smtp_port: int, survey: SurveyClient) -> None:
        url = f"sqlite:///{tmp_path / 'notifier.db'}"
        upgrade("notifier", url)
        self.engine = make_engine(url)
        self.clock = ManualClock(NOW)
        self.config = TestConfig({"NOTIFIER_DATABASE_URL": url, "CX_ADMIN_KEY": ADMIN_KEY,
                                  "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp_port),
                                  "NOTIFIER_CONSOLE_URL": CONSOLE,
                                  "NOTIFIER_PUBLIC_BASE_URL": "https://alerts.example.com",
                                  "NOTIFIER_MAIL_FROM": "cxloop alerts <alerts@example.com>"})
        self.app = create_app(self.config, database=Database(engine=self.engine), clock=self.clock)
        self.http = self.app.test_client()
        self.relay = OutboxRelay(self.engine, NOTIFIER_PLATFORM,
                                 build_handlers(self.config, self.engine, survey=survey), service="notifier")

    def subscribe(self, **body) -> None:
        reply = self.http.post("/v1/subscriptions", headers=auth(ADMIN_KEY), json={
            "channels": [{"type": "email", "address": "lead@example.com"}], "time_zone": "Asia/Seoul", **body})
        assert reply.status_code == 201, reply.get_json()

    def deliver(self) -> None:
        assert self.relay.run_once(self.clock.now()).claimed >= 1


@pytest.fixture
def mail_and_notifier(tmp_path):
    """Survey unreachable (nothing listens on its port): the alerts go out without a brand."""
    with smtp_inbox() as (port, received):
        notifier = LiveNotifier(tmp_path, port, SurveyClient(f"http://127.0.0.1:{free_port()}", api_key="none"))
        yield notifier, received
        notifier.engine.dispose()


@pytest.fixture
def branded(tmp_path, live_survey):
    """The notifier reading the brand from the live survey app with a service key, as in production."""
    set_brand(live_survey)
    with live_survey.session() as session:
        key = create_key([session.get_bind()], role="service", subject="notifier", now=live_survey.clock.now())
    with smtp_inbox() as (port, received):
        notifier = LiveNotifier(tmp_path, port, SurveyClient(live_survey.base_url, api_key=key.plaintext))
        yield notifier, received
        notifier.engine.dispose()


def html_with_images(message) -> str:
    """The HTML part with its ``cid:`` images inlined, as a mail client shows them."""
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in message.walk():
        if part.get("Content-ID"):
            data = base64.b64encode(part.get_content()).decode("ascii")
            html = html.replace(f"cid:{part['Content-ID'].strip('<>')}", f"data:{part.get_content_type()};base64,{data}")
    return html


def render(browser, artifacts, message, name: str) -> list[dict]:
    """The mail at both widths: no sideways scroll, axe clean, a screenshot; the link boxes per width."""
    folder = artifacts / "alerts"
    boxes = []
    for label, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_content(html_with_images(message), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}-{label} scrolls sideways"
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        links = page.get_by_role("link")
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box["height"] >= 24 and box["x"] + box["width"] <= width  # WCAG 2.2 target size
        boxes.append({"h1": page.get_by_role("heading", level=1).inner_text(),
                      "chart": page.get_by_role("img").bounding_box() if page.get_by_role("img").count() else None})
        check_and_screenshot(page, folder, f"{name}-{label}")
        context.close()
    return boxes


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_score_drop_email_reads_in_one_sentence_with_the_chart(mail_and_notifier, browser, artifacts, language):
    notifier, received = mail_and_notifier
    notifier.subscribe(name=NAMES[language], metric="csat", lang=language, scope={"touchpoint": ["delivery"]},
                       rule={"kind": "drop", "window": "7d", "alpha": 0.05, "min_drop": 5, "min_n": 30})
    with Session(notifier.engine, expire_on_commit=False) as session:
        result = evaluate_due(session, DippingMetrics(), now=NOW, settings=EvaluationSettings())
    assert result.notices == 1
    notifier.deliver()
    [message] = received
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith(HEADLINES[language]) and message["Content-Language"] == language
    assert f"{CONSOLE}/responses?from=" in text and "/v1/" not in text and f"{CONSOLE}/alerts/" in text
    assert "한빛택배: -27.9 [-31.0, -25.0]" in text and "일주일이나 늦게 왔어요" in text  # why it dropped
    [chart] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert chart.get_content().startswith(b"\x89PNG") and len(chart.get_content()) > 20_000
    for seen in render(browser, artifacts, message, f"drop-{language}"):
        assert seen["h1"].replace("\xa0", " ") == HEADLINES[language]  # "p < 0.001" held together by no-break spaces
        assert seen["chart"] is not None and seen["chart"]["width"] >= 300


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_low_score_notice_from_a_real_response_shows_its_answers_by_label_in_the_brand(
        branded, live_survey, browser, artifacts, language):
    notifier, received = branded
    notifier.subscribe(name=NAMES[language], metric="nps", lang=language, rule={"kind": "low_score"})
    _, token = invite(live_survey, customer_id=f"cust-{language}", language=language)
    client = live_survey.app.test_client()
    form = {"q_nps": "2", "q_csat": "1", "q_reason": "speed", "q_extras": ["tracking", "chat"],
            "q_comment": "상자가 찢어져 왔어요" if language == "ko" else "The box arrived torn"}
    assert client.post(f"/r/{token}", data=form).status_code == 200
    with live_survey.session() as session:
        [signal] = [row.payload for row in session.execute(select(SURVEY_PLATFORM.outbox)).all()
                    if row.destination == "notifier"]
    assert notifier.http.post("/v1/signals", json=signal, headers=auth(ADMIN_KEY)).status_code == 200
    notifier.deliver()
    [message] = received
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert CHOICE_LABELS[language] in text and form["q_comment"] in text and f"cust-{language}" in text
    assert "None" not in text and "/v1/" not in text
    assert f"{CONSOLE}/responses/{signal['response_id']}" in text and f"{CONSOLE}/customers/cust-{language}" in text
    if language == "ko":
        assert "고객이" in text and "Customer" not in text and "Comment" not in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert BRAND["footer"][language] in text and BRAND["footer"][language] in html
    assert f'src="{live_survey.base_url}/brand/logo' in html and f'alt="{BRAND["name"]}"' in html
    assert f"border-top:6px solid {BRAND['primary_color']}" in html
    render(browser, artifacts, message, f"low-score-{language}")  # the logo loads from survey
