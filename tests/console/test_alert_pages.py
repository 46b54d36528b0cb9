"""The alert pages on the demo-like delivery-CSAT dip, through the real notifier and metrics: a team lead
backtests a drop rule (the dip fires; nothing is stored), saves it, sees it quiet or firing with its
numbers, why it dropped, test-sends, mutes and unmutes it; other people cannot open it; a service down
is a message, not a 500."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from services.common.clock import ManualClock
from services.notifier.clients.metrics import MetricsClient
from services.notifier.evaluation import EvaluationSettings, evaluate_due
from services.notifier.models.subscriptions import Subscription
from tests.console.dashboard_support import NOW, publish_delivery_survey, seed_dip
from tests.console.support import PASSWORD, post_form, sign_in, text_of
from tests.support import ADMIN_KEY

DECIDED = datetime(2025, 2, 10, 0, 10, tzinfo=UTC)  # the first week of the dip has just closed
LEAD = "team_lead@example.com"
RULE = {"name": "Delivery CSAT drop", "metric": "csat", "volume_of": "nps", "kind": "drop", "window_amount": "7", "window_unit": "days",
        "baseline": "last_n", "baseline_windows": "4", "alpha": "0.05", "min_drop": "5", "min_n": "30",
        "touchpoint": "delivery", "email": "lead@example.com", "lang": "en", "time_zone": "Asia/Seoul",
        "cooldown_amount": "1", "cooldown_unit": "days", "active": "y", "backtest_weeks": "26"}


@pytest.fixture
def alerts(console):
    survey, metrics, notifier = (console.services[name] for name in ("survey", "metrics", "notifier"))
    survey_id = publish_delivery_survey(survey.client(), survey.key_for("marketer"))
    seed_dip(metrics.client(), metrics.key_for("service"), survey_id, now=NOW)
    notifier.app.extensions["clock"] = ManualClock(DECIDED)
    notifier.app.extensions["notifier_metrics"] = MetricsClient(
        "http://metrics", api_key=ADMIN_KEY, transport=httpx.WSGITransport(app=metrics.app))
    return console


def _lead(stack, email: str = LEAD):
    client = stack.client()
    sign_in(client, email, PASSWORD)
    return client


def _specs(html: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/json" data-chart-spec>(.*?)</script>', html, re.S)]


def _stored(stack) -> list[Subscription]:
    with stack.services["notifier"].app.extensions["db"].session_factory() as session:
        return list(session.scalars(select(Subscription)))


def test_a_lead_backtests_a_drop_rule_on_the_dip_then_saves_it(alerts):
    client = _lead(alerts)
    assert "Alerts" in text_of(client.get("/"))  # in the menu
    assert "No alerts yet." in text_of(client.get("/alerts"))
    reply = post_form(client, "/alerts/new", {**RULE, "backtest": "1"})
    html = text_of(reply)
    assert reply.status_code == 200, html
    fired = re.search(r"Over the last 26 weeks this rule would have fired in (\d+) window", html)
    assert fired and int(fired.group(1)) >= 1, html  # the carrier month's first week
    assert "<li>Feb 3 – Feb 10: 45.9 [35.1 – 57.2] against a baseline of 84.1</li>" in html  # in Seoul's days
    assert "dropped 38.2 (p &lt; 0.001, below 0.05)" in html
    [spec] = _specs(html)
    values = spec["data"]["values"]
    assert len(values) == 6 and any(v["fired"] for v in values)  # the six weeks with answers; none before
    assert {"low", "high", "b_value", "b_low", "b_high", "decision"} <= set(values[-1])
    assert {layer["mark"]["type"] for layer in spec["layer"]} >= {"errorband", "line", "point", "text"}
    assert _stored(alerts) == []  # a backtest stores nothing
    saved = post_form(client, "/alerts/new", {**RULE, "save": "1"})
    assert saved.status_code == 302, text_of(saved)
    [stored] = _stored(alerts)
    assert saved.headers["Location"].endswith(f"/alerts/{stored.id}")
    assert stored.rule["baseline_windows"] == 4 and stored.scope["touchpoint"] == ["delivery"]
    assert stored.channels[0]["address"] == "lead@example.com"
    listed = text_of(client.get("/alerts"))
    assert "Delivery CSAT drop" in listed and "Quiet" in listed and "fires" in listed  # latest window: the dip's first
    edit = text_of(client.get(f"/alerts/{stored.id}/edit"))
    assert 'value="delivery"' in edit and "To watch another metric, create a new alert." in edit
    changed = post_form(client, f"/alerts/{stored.id}/edit", {**RULE, "min_drop": "3", "save": "1"})
    assert changed.status_code == 302, text_of(changed)
    [after] = _stored(alerts)
    assert after.rule["min_drop"] == 3 and after.channels == stored.channels  # channels untouched: not re-sent


def test_a_firing_alert_shows_its_numbers_why_it_dropped_and_can_be_test_sent_muted_and_unmuted(alerts):
    client = _lead(alerts)
    post_form(client, "/alerts/new", {**RULE, "save": "1"})
    [stored] = _stored(alerts)
    notifier, metrics = alerts.services["notifier"], alerts.services["metrics"]
    with notifier.app.extensions["db"].session_factory() as session:
        result = evaluate_due(session, notifier.app.extensions["notifier_metrics"], now=DECIDED,
                              settings=EvaluationSettings())
    assert result.notices == 1, result
    page = text_of(client.get(f"/alerts/{stored.id}?explain=channel"))
    assert "Firing" in page and "Why it dropped" in page and "Top contributions to the change" in page
    assert "/responses?" not in page  # survey does not let a team lead read responses: no link to a refusal
    assert '<th scope="col">Responses</th>' not in page  # nor a column that would stay empty
    admin = _lead(alerts, alerts.person("admin", "alerts-admin@example.com"))
    as_admin = text_of(admin.get(f"/alerts/{stored.id}?explain=channel"))
    assert "/responses?from=2025-02-03&amp;to=2025-02-10&amp;touchpoint=delivery" in as_admin  # Seoul days
    assert '<th scope="col">Responses</th>' in as_admin
    assert "in_app" in page and "email" in page  # the segments of the channel split
    assert "Firing ×1" in page  # the notices the episode sent
    assert len(_specs(page)) == 1
    sent = post_form(client, f"/alerts/{stored.id}/test", {}, page=f"/alerts/{stored.id}", follow_redirects=True)
    assert "A test notice is on its way to: lead@example.com" in text_of(sent)
    muted = post_form(client, f"/alerts/{stored.id}/mute", {"length": "1d"}, page=f"/alerts/{stored.id}",
                      follow_redirects=True)
    assert "Muted until" in text_of(muted) and "Unmute now" in text_of(muted)
    assert _stored(alerts)[0].muted_until is not None
    unmuted = post_form(client, f"/alerts/{stored.id}/unmute", {}, page=f"/alerts/{stored.id}", follow_redirects=True)
    assert "Unmuted" in text_of(unmuted) and _stored(alerts)[0].muted_until is None
    assert metrics is not None


def test_others_cannot_open_a_leads_alert(alerts):
    post_form(_lead(alerts), "/alerts/new", {**RULE, "save": "1"})
    [stored] = _stored(alerts)
    other = alerts.person("team_lead", "other-lead@example.com")
    assert _lead(alerts, other).get(f"/alerts/{stored.id}").status_code == 404
    marketer = _lead(alerts, "marketer@example.com")
    assert marketer.get("/alerts/new").status_code == 403
    assert "Alerts" not in re.findall(r'class="site-nav__link"[^>]*>([^<]+)<', text_of(marketer.get("/")))
    assert _lead(alerts, other).post(f"/alerts/{stored.id}/mute", data={"length": "1d"}).status_code == 400  # no token


def test_notifier_down_is_a_message_not_an_error_page(console_stack):
    down = console_stack(services_up=False)
    down.person("team_lead")
    reply = _lead(down).get("/alerts")
    assert reply.status_code == 503 and "not answering" in text_of(reply)


def test_the_builder_puts_notifiers_errors_next_to_the_fields(alerts):
    client = _lead(alerts)
    reply = post_form(client, "/alerts/new", {**RULE, "kind": "threshold", "save": "1"})
    assert reply.status_code == 422 and "a threshold rule needs a target" in text_of(reply)
    bad = post_form(client, "/alerts/new", {**RULE, "email": "", "save": "1"})
    assert bad.status_code == 422 and "Give at least one place to send notices" in text_of(bad)
    low = post_form(client, "/alerts/new", {**RULE, "kind": "low_score", "backtest": "1"})
    assert low.status_code == 422 and "no windows to" in text_of(low)
    assert _stored(alerts) == []


def test_the_pages_render_in_korean_with_the_reasons_in_korean(alerts):
    korean = alerts.person("team_lead", "lead-ko@example.com", language="ko")
    client = _lead(alerts, korean)
    assert client.get("/alerts/new").status_code == 200
    reply = post_form(client, "/alerts/new", {**RULE, "backtest": "1"})
    html = text_of(reply)
    assert reply.status_code == 200 and "최근 26주 동안 이 규칙은" in html
    assert "하락" in html and "dropped" not in html and "too few answers" not in html  # notifier's reasons, in Korean
    post_form(client, "/alerts/new", {**RULE, "save": "1"})
    [stored] = _stored(alerts)
    assert client.get(f"/alerts/{stored.id}").status_code == 200
    listed = text_of(client.get("/alerts"))
    assert "조용함" in listed and "dropped" not in listed
