"""``explained_compare`` (what the route runs for ``explain``) counts the windows once, per segment, and
sums them for the compare: its report is the plain compare followed by ``explain_compare``, number for number."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.metrics.analytics.explain import explain_compare, explained_compare
from services.metrics.scores.reports import compare_report
from shared.contracts.scores import CompareQueryArgsSchema
from tests.metrics.demo_support import DIP
from tests.metrics.test_low_keywords_sql import metrics  # noqa: F401  (the demo's delivery and support answers)


@pytest.mark.parametrize("query", [
    {"metric": "csat", "explain": "attr.carrier"},
    {"metric": "csat", "explain": "attr.carrier", "group_by": "touchpoint"},
    {"metric": "nps", "explain": "attr.region", "group_by": "touchpoint"},
])
def test_the_same_report_as_compare_then_explain(metrics, query):  # noqa: F811
    args = CompareQueryArgsSchema().load({"window": "30d", "to": DIP[1].isoformat(), **query})
    with Session(metrics.connection) as session:
        expected = explain_compare(session, args, compare_report(session, args, now=DIP[1]))
        found = explained_compare(session, args, now=DIP[1])
    assert any(cell["explanation"] for cell in expected["cells"]) or query["metric"] == "nps"
    assert found == expected
