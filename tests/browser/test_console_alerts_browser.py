"""Alerts for team leads in headless Chromium at 360 and 1280 px, in Korean and English, on the demo-like
delivery-CSAT dip (tests/console/dashboard_support.py, dated from the real clock): a lead builds a drop
rule, runs the backtest (the dip fires), saves it, test-sends it (a real SMTP server, aiosmtpd, receives
the mail) and mutes it; the alert's page shows the episode the worker opened on the dip's first week and
why the score dropped. axe-core on every page (0 serious or critical); screenshots in test-artifacts/console/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from services.common.db import Database
from services.common.outbox import OutboxRelay
from services.notifier.app import create_app as create_notifier
from services.notifier.channels.handlers import build_handlers
from services.notifier.clients.metrics import MetricsClient
from services.notifier.clients.survey import SurveyClient
from services.notifier.config import TestConfig as NotifierConfig
from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.notifier.models import PLATFORM as NOTIFIER_PLATFORM
from services.notifier.models.subscriptions import Subscription
from shared.contracts.responses import ResponseBatchSchema
from tests.browser.brand_support import smtp_inbox
from tests.browser.console_stack import RUNS, ConsoleStack, check_page, fits, migrated_engine, people, signed_in
from tests.browser.dashboard_stack import drawn_marks
from tests.console.dashboard_support import dip_responses, survey_body
from tests.support import ADMIN_KEY, auth, free_port

pytestmark = pytest.mark.browser
LEADS = {"ko": ("alert-lead-ko@example.com", "김팀장"), "en": ("alert-lead-en@example.com", "Lena Lead")}
WORDS = {
    "ko": {"nav": "알림", "new": "새 알림", "name": "이름", "touchpoints": "터치포인트", "previous": "이전 기간 수", "backtest": "백테스트",
           "fired": "알림을 보냈을 것입니다", "save": "알림 저장", "saved": "저장했습니다", "test": "테스트 알림 보내기",
           "sent": "테스트 알림을 보내는 중입니다", "mute_for": "끌 기간", "day": "1일", "mute": "알림 끄기",
           "muted": "까지 꺼 두었습니다", "firing": "알림 중", "why": "하락 원인"},
    "en": {"nav": "Alerts", "new": "New alert", "name": "Name", "touchpoints": "Touchpoints", "previous": "Number of previous windows",
           "backtest": "Backtest", "fired": "this rule would have fired in", "save": "Save alert", "saved": "is saved",
           "test": "Send a test notice", "sent": "A test notice is on its way to", "mute_for": "Mute for",
           "day": "1 day", "mute": "Mute", "muted": "Muted until", "firing": "Firing", "why": "Why it dropped"},
}
SETTLE = timedelta(minutes=10)


class LiveAlerts(ConsoleStack):
    """Survey, metrics and notifier in-process on SQLite files; the notifier's backtest and worker ask the
    metrics app; its emails go to a real SMTP server; the console served by werkzeug in a thread."""

    def __init__(self, tmp_path, smtp_port: int) -> None:
        super().__init__(tmp_path, services=("survey", "metrics"))
        survey, metrics = self.apps["survey"], self.apps["metrics"]
        self.now = datetime.now(UTC)
        self._seed(survey.test_client(), metrics.test_client())
        url, self.notifier_engine = migrated_engine("notifier", tmp_path, self.engines)
        config = NotifierConfig({**self.env, "NOTIFIER_DATABASE_URL": url, "NOTIFIER_SMTP_HOST": "127.0.0.1",
                                 "NOTIFIER_SMTP_PORT": str(smtp_port), "NOTIFIER_CONSOLE_URL": "http://console.test",
                                 "NOTIFIER_MAIL_FROM": "cxloop alerts <alerts@example.com>"})
        notifier = create_notifier(config, database=Database(engine=self.notifier_engine))
        self.metrics_api = MetricsClient("http://metrics", api_key=ADMIN_KEY,
                                         transport=httpx.WSGITransport(app=metrics))
        notifier.extensions["notifier_metrics"] = self.metrics_api
        self.notifier = self.add("notifier", notifier)
        self.relay = OutboxRelay(self.notifier_engine, NOTIFIER_PLATFORM, build_handlers(
            config, self.notifier_engine, survey=SurveyClient(f"http://127.0.0.1:{free_port()}", api_key="none")),
            service="notifier")
        self.serve(people(LEADS, "team_lead"))

    def _seed(self, survey, metrics) -> None:
        admin = auth(ADMIN_KEY)
        survey.post("/v1/touchpoints", json={"key": "delivery", "name": "Delivery"}, headers=admin)
        created = survey.post("/v1/surveys", json=survey_body(), headers=admin)
        assert created.status_code == 201, created.json
        wire = ResponseBatchSchema().dump({"responses": dip_responses(created.json["id"], now=self.now)})
        assert metrics.post("/v1/responses/batch", json=wire, headers=admin).status_code == 200

    def evaluate_at(self, subscription_id: str, window_end: datetime) -> int:
        """Run the worker's evaluation as it ran when the window ending at ``window_end`` closed."""
        moment = window_end + SETTLE
        with self.notifier.extensions["db"].session_factory() as session:
            session.execute(update(Subscription).where(Subscription.id == subscription_id)
                            .values(next_evaluation_at=moment))
            session.commit()
            return evaluate_due(session, self.metrics_api, now=moment, settings=EvaluationSettings()).notices

    def deliver(self) -> None:
        """Run the outbox relay until every queued notice went out."""
        while self.relay.run_once(datetime.now(UTC)).claimed:
            pass


@pytest.fixture(scope="module")
def live_alerts(tmp_path_factory):
    with smtp_inbox() as (port, received):
        live = LiveAlerts(tmp_path_factory.mktemp("console-alerts"), port)
        live.received = received
        yield live
        live.close()


@pytest.mark.parametrize("language, width", RUNS)
def test_a_lead_backtests_a_drop_rule_on_the_dip_saves_test_sends_and_mutes_it(live_alerts, browser, artifacts,
                                                                             language, width):
    words, prefix, name = WORDS[language], f"{language}-{width}", f"Delivery CSAT {language}-{width}"
    context, page, errors = signed_in(browser, live_alerts.base_url, LEADS[language][0], language, width)
    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    page.get_by_role("link", name=words["new"]).first.click()
    page.get_by_label(words["name"], exact=True).fill(name)
    page.get_by_label(words["previous"], exact=True).fill("4")
    page.get_by_label(words["touchpoints"], exact=True).fill("delivery")
    page.get_by_role("button", name=words["backtest"], exact=True).click()
    headline = page.get_by_role("status").filter(has_text=words["fired"])
    expect(headline).to_be_visible()
    assert "26" in headline.inner_text() and " 0 " not in headline.inner_text()  # the carrier month fires
    figure = page.locator("figure[data-chart-kind=alert-windows]")
    assert drawn_marks(figure) >= 5
    assert figure.locator("[data-chart-canvas] svg g.mark-text text").count() >= 1  # the fired label
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-alert-backtest")

    page.get_by_role("button", name=words["save"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=words["saved"])).to_be_visible()
    subscription_id = page.url.rstrip("/").rsplit("/", 1)[1]
    fired = live_alerts.notifier.test_client().post("/v1/subscriptions/backtest", headers=auth(ADMIN_KEY), json={
        "metric": "csat", "scope": {"touchpoint": ["delivery"]}, "cooldown_minutes": 1440,
        "rule": {"kind": "drop", "window": "7d", "baseline_windows": 4}}).json
    first = next(row for row in fired["windows"] if row["firing"])
    assert live_alerts.evaluate_at(subscription_id, datetime.fromisoformat(first["end"])) == 1
    page.reload()
    expect(page.get_by_text(words["firing"], exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name=words["why"])).to_be_visible()
    assert drawn_marks(page.locator("figure[data-chart-kind=alert-windows]")) >= 5

    before = len(live_alerts.received)
    page.get_by_role("button", name=words["test"]).click()
    expect(page.get_by_role("status").filter(has_text=words["sent"])).to_be_visible()
    live_alerts.deliver()
    mails = [m for m in live_alerts.received[before:] if m["To"] == LEADS[language][0]]
    assert len(mails) >= 1 and any("test" in (m["Subject"] or "").lower() or "테스트" in (m["Subject"] or "")
                                   for m in mails), [m["Subject"] for m in mails]
    page.get_by_label(words["mute_for"]).select_option(label=words["day"])
    page.get_by_role("button", name=words["mute"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=words["muted"])).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-alert")

    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-alerts")
    assert errors == []
    context.close()
