"""The alert builder's channels: several email addresses, Slack webhooks and webhooks in one alert (the API
takes up to ten), stored by the real notifier, shown back one per line, kept when an edit leaves them alone,
and an error about one of them shown next to the list it was typed in. A mute can end at a date and time
of the lead's own time zone."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.notifier.models.subscriptions import Subscription
from shared.contracts.alerts import MAX_CHANNELS
from tests.console.support import PASSWORD, post_form, sign_in, text_of

LEAD = "team_lead@example.com"
SECRET = "a-webhook-secret-of-24ch"
RULE = {"name": "Delivery CSAT drop", "metric": "csat", "volume_of": "nps", "kind": "drop", "window_amount": "7",
        "window_unit": "days", "baseline": "last_n", "baseline_windows": "4", "alpha": "0.05", "min_drop": "5",
        "min_n": "30", "touchpoint": "delivery", "lang": "en", "time_zone": "Asia/Seoul", "cooldown_amount": "1",
        "cooldown_unit": "days", "active": "y", "backtest_weeks": "26"}
CHANNELS = {"email": "lead@example.com, deputy@example.com\nlead@example.com",
            "slack_url": "https://93.184.216.34/services/T/B/one\n\nhttps://93.184.216.34/services/T/B/two",
            "webhook_url": "https://93.184.216.34/hook", "webhook_secret": SECRET}


def _stored(console) -> list[Subscription]:
    with console.services["notifier"].app.extensions["db"].session_factory() as session:
        return list(session.scalars(select(Subscription)))


def _targets(subscription: Subscription) -> list[tuple[str, str]]:
    return [(c["type"], c.get("address") or c["url"]) for c in subscription.channels]


def test_a_lead_sends_one_alert_to_several_places_and_an_edit_keeps_them(console):
    client = console.client()
    sign_in(client, LEAD, PASSWORD)
    saved = post_form(client, "/alerts/new", {**RULE, **CHANNELS, "save": "1"})
    assert saved.status_code == 302, text_of(saved)
    [subscription] = _stored(console)
    assert _targets(subscription) == [  # a repeated address once, blank lines ignored, in the order typed
        ("email", "lead@example.com"), ("email", "deputy@example.com"),
        ("slack", "https://93.184.216.34/services/T/B/one"), ("slack", "https://93.184.216.34/services/T/B/two"),
        ("webhook", "https://93.184.216.34/hook")]
    assert subscription.channels[-1]["secret"] == SECRET

    edit = f"/alerts/{subscription.id}/edit"
    page = text_of(client.get(edit))
    assert "lead@example.com\ndeputy@example.com</textarea>" in page
    assert "https://93.184.216.34/services/T/B/one\nhttps://93.184.216.34/services/T/B/two</textarea>" in page
    assert SECRET not in page

    # Renamed only, channels typed back as shown and no secret typed: the channels (and secret) stay.
    shown = {"email": "deputy@example.com\nlead@example.com",
             "slack_url": "https://93.184.216.34/services/T/B/one\nhttps://93.184.216.34/services/T/B/two",
             "webhook_url": "https://93.184.216.34/hook"}
    renamed = post_form(client, edit, {**RULE, **shown, "name": "Renamed", "save": "1"})
    assert renamed.status_code == 302, text_of(renamed)
    [subscription] = _stored(console)
    assert subscription.name == "Renamed" and subscription.channels[-1]["secret"] == SECRET
    assert len(subscription.channels) == 5

    # One Slack webhook less: the channels are sent again (the webhook's secret must then be typed).
    fewer = post_form(client, edit, {**RULE, **shown, "slack_url": "https://93.184.216.34/services/T/B/two",
                                     "webhook_secret": SECRET, "save": "1"})
    assert fewer.status_code == 302, text_of(fewer)
    [subscription] = _stored(console)
    assert [t for t in _targets(subscription) if t[0] == "slack"] == [("slack", "https://93.184.216.34/services/T/B/two")]


def test_an_error_about_one_channel_is_shown_next_to_its_list(console):
    client = console.client()
    sign_in(client, LEAD, PASSWORD)
    unsafe = post_form(client, "/alerts/new", {**RULE, "email": "lead@example.com",
                                               "slack_url": "https://93.184.216.34/services/T/B/one\nhttp://127.0.0.1/x",
                                               "save": "1"})
    assert unsafe.status_code == 422
    page = text_of(unsafe)
    error = page.index('id="slack_url-error"')
    assert page.index('for="slack_url"') < error < page.index('for="webhook_url"')
    assert "http://127.0.0.1/x</textarea>" in page  # nothing typed is lost
    too_many = "\n".join(f"person{number}@example.com" for number in range(MAX_CHANNELS + 1))
    crowded = post_form(client, "/alerts/new", {**RULE, "email": too_many, "save": "1"})
    assert crowded.status_code == 422 and 'id="email-error"' in text_of(crowded)
    assert _stored(console) == []


def test_a_lead_mutes_until_a_date_and_time_of_their_own_time_zone(console):
    client = console.client()
    sign_in(client, LEAD, PASSWORD)  # a person of Asia/Seoul
    assert post_form(client, "/alerts/new", {**RULE, "email": "lead@example.com", "save": "1"}).status_code == 302
    [subscription] = _stored(console)
    detail = f"/alerts/{subscription.id}"
    start = console.app.extensions["clock"].now().astimezone(ZoneInfo("Asia/Seoul"))
    local = (start + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    for until, problem in [("", "Give the date and time the mute ends."),
                           ((start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "has to be in the future"),
                           ((start + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M"), "a year at most")]:
        refused = post_form(client, f"{detail}/mute", {"length": "until", "until": until}, page=detail,
                            follow_redirects=True)
        assert problem in text_of(refused)
        [stored] = _stored(console)
        assert stored.muted_until is None
    muted = post_form(client, f"{detail}/mute", {"length": "until", "until": local.strftime("%Y-%m-%dT%H:%M")},
                      page=detail, follow_redirects=True)
    assert "Muted until" in text_of(muted)
    [stored] = _stored(console)
    assert stored.muted_until.replace(tzinfo=UTC) == local.astimezone(UTC)  # 09:30 Seoul is 00:30 UTC
    assert stored.muted_until.minute == 30 and stored.muted_until.hour == 0
