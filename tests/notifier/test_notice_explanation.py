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
    text = "\n".join(explain_lines(english, "en"))
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
