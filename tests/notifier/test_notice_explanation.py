"""A firing notice says why the score dropped: on the demo's delivery-CSAT dip, the notifier's own
metrics client asks the real metrics service for ``explain=attr.carrier`` exactly as the rule's window
is decided, and the notice's view ranks the dip's carrier first, in Korean and English."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest

from services.notifier.channels.explain_view import explain_lines, explain_view
from services.notifier.clients.metrics import MetricsClient
from services.notifier.explain import explain_grouping, explanation_for, shorten
from tests.metrics.test_explain_demo import DIP, metrics  # noqa: F401 - the fixture, reused
from tests.support import ADMIN_KEY

WINDOW = timedelta(days=30)


def _rule(**overrides):
    rule = {"kind": "drop", "window": "30d", "baseline": "previous", "baseline_windows": 1, "alpha": 0.05,
            "min_drop": 1, "min_n": 30, "explain_by": "attr.carrier"}
    return SimpleNamespace(metric="csat", volume_of="nps", scope={"touchpoint": ["delivery"]},
                           rule={**rule, **overrides})


@pytest.fixture
def client(metrics):  # noqa: F811 - the fixture above
    reader = MetricsClient("http://metrics.test", api_key=ADMIN_KEY,
                           transport=httpx.WSGITransport(app=metrics.app))
    yield reader
    reader.close()


def test_the_dip_notice_names_the_late_carrier_first(client):
    from scripts.demo import orders

    found = explanation_for(client, _rule(), {}, end=DIP[1], window=WINDOW)
    assert found is not None and found["grouping"] == "attr.carrier"
    assert len(found["contributions"]) <= 3 and len(found["keywords"]) <= 3
    first = found["contributions"][0]
    assert first["segment"] == orders.DIP_CARRIER and first["total"]["ci_high"] < 0
    assert found["change"]["value"] < 0
    english = explain_view(found, metric="csat", lang="en")
    korean = explain_view(found, metric="csat", lang="ko")
    assert english.title == "Why it dropped, by carrier" and korean.title == "carrier별로 본 하락 원인"
    assert english.contributions[0][0] == orders.DIP_CARRIER
    assert english.contributions[0][1].startswith("-") and "[" in english.contributions[0][1]
    text = "\n".join(explain_lines(english))
    assert orders.DIP_CARRIER in text and "share of answers" in text


def test_a_week_with_nothing_significant_has_no_explanation(client):
    quiet_end = DIP[0]  # the month before the dip: no drop to explain
    assert explanation_for(client, _rule(), {}, end=quiet_end, window=WINDOW) is None


def test_metrics_down_leaves_the_notice_without_it():
    down = MetricsClient("http://127.0.0.1:9", api_key=ADMIN_KEY, timeout=0.5, attempts=1)
    assert explanation_for(down, _rule(), {}, end=DIP[1], window=WINDOW) is None
    down.close()


def test_the_automatic_grouping_skips_what_the_scope_fixes():
    rule = _rule(explain_by=None)
    assert explain_grouping(rule) == "channel"  # one touchpoint in scope: splitting by it says nothing
    rule.scope = {"touchpoint": ["delivery", "purchase"], "group_by": []}
    assert explain_grouping(rule) == "touchpoint"
    rule.scope = {"touchpoint": ["delivery"], "channel": ["email"], "group_by": ["survey"]}
    assert explain_grouping(rule) is None


def test_shorten_keeps_the_ranked_top_three_and_one_example_each():
    explanation = {"grouping": "touchpoint", "change": {"value": -4.0},
                   "contributions": [{"segment": s, "rank": r, "total": {"value": -r}} for s, r in
                                     (("d", 4), ("a", 1), ("c", 3), ("b", 2))],
                   "keywords": {"rising": [{"keyword": f"k{i}", "count": 3, "previous_count": 1, "ratio": 2.0,
                                            "examples": [{"response_id": "r", "text": "줄\n바꿈 <b>"}]}
                                           for i in range(5)]}}
    short = shorten(explanation)
    assert [c["segment"] for c in short["contributions"]] == ["a", "b", "c"]
    assert [k["keyword"] for k in short["keywords"]] == ["k0", "k1", "k2"]
    view = explain_view(short, metric="csat", lang="ko")
    assert view.keywords[0] == ("k0: 3건 (이전 1건, ×2.0)", "줄 바꿈 <b>")  # one line; HTML escaping is the template's


def _firing_notice(explanation):
    return {"kind": "firing", "subscription_id": "s1", "subscription_name": "Delivery CSAT", "metric": "csat",
            "scope": {"touchpoint": ["delivery"]}, "group": {},
            "window": {"from": "2026-11-01T00:00:00+00:00", "to": "2026-12-01T00:00:00+00:00"},
            "current": {"value": 61.0, "ci_low": 57.0, "ci_high": 65.0, "n": 500},
            "baseline": {"value": 78.0, "ci_low": 75.0, "ci_high": 81.0, "n": 520},
            "difference": {"value": -17.0, "ci_low": -22.0, "ci_high": -12.0}, "p_value": 0.0001,
            "reason": "dropped", "keywords": [], "trend": [], "explanation": explanation}


def test_email_text_html_and_slack_show_the_explanation_escaped():
    from services.notifier.channels.email_notice import email_message
    from services.notifier.channels.render import notice_view
    from services.notifier.channels.slack import slack_payload

    explanation = shorten({"grouping": "attr.carrier", "change": {"value": -17.0, "ci_low": -22.0, "ci_high": -12.0},
                           "contributions": [{"segment": "<b>Late</b> Express", "rank": 1,
                                              "total": {"value": -15.2, "ci_low": -19.0, "ci_high": -11.1},
                                              "baseline_share": 0.3, "current_share": 0.45,
                                              "baseline_score": 77.0, "current_score": 44.0}],
                           "keywords": {"rising": [{"keyword": "지연", "count": 40, "previous_count": 5, "ratio": 7.5,
                                                    "examples": [{"response_id": "r1", "text": "배송이 <늦었어요>"}]}]}})
    for lang, title in (("en", "Why it dropped, by carrier"), ("ko", "carrier별로 본 하락 원인")):
        view = notice_view(_firing_notice(explanation), lang=lang, tz="Asia/Seoul", console_url=None)
        assert view.why is not None and view.why.title == title
        message = email_message(_firing_notice(explanation), to="lead@example.com", sender="cx@example.com",
                                lang=lang, unsubscribe_url="https://cx.example.com/unsubscribe/t")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert title in text and "<b>Late</b> Express: -15.2 [-19.0, -11.1]" in text
        assert "&lt;b&gt;Late&lt;/b&gt; Express" in html and "<b>Late</b>" not in html
        assert "배송이 &lt;늦었어요&gt;" in html
        slack = str(slack_payload(view))
        assert title in slack and "&lt;b&gt;Late&lt;/b&gt; Express" in slack
    resolved = notice_view({**_firing_notice(explanation), "kind": "resolved"}, lang="en", tz=None, console_url=None)
    assert resolved.why is not None  # a resolved notice keeps what it said; the worker sends none there
    plain = notice_view(_firing_notice(None), lang="en", tz=None, console_url=None)
    assert plain.why is None
