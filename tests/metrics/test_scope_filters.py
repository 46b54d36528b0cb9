"""Every filter the scope contract accepts is honoured by scores, compare and keywords.

The filters are defined once (``ScopeArgsSchema`` in shared/contracts/scores.py); this test walks
them, so a filter added to the contract and forgotten by a report fails here instead of being
silently ignored (as question, dimension and driver once were by the keywords report).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import ManualClock
from services.metrics.scores.query import COLUMNS
from shared.contracts.scores import ScopeArgsSchema
from tests.metrics.scores_support import response
from tests.support import ADMIN_KEY, auth

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
AT = NOW - timedelta(days=2)
# For each filter: the value the kept response carries, the value the other one carries.
SIDES = {"touchpoint": ("delivery", "returns"), "survey": ("s-kept", "s-other"), "channel": ("email", "in_app"),
         "question": ("q_kept", "q_other"), "dimension": ("feel", "think"), "driver": ("people", "product"),
         "segment": ("region:Busan", "region:Seoul")}


def _response(filter_name: str, side: int, text: str) -> dict:
    value = SIDES[filter_name][side]
    record = response(nps=3, text=text, at=AT, lang="en")
    answer = record["answers"][0]
    if filter_name in ("touchpoint", "channel"):
        record[filter_name] = value
    elif filter_name == "survey":
        record["survey_id"] = value
    elif filter_name == "question":
        answer["question_key"] = value
    elif filter_name in ("dimension", "driver"):
        answer[filter_name] = value
    elif filter_name == "segment":
        attribute, _, region = value.partition(":")
        record["attributes"] = {attribute: region}
    return record


@pytest.fixture
def metrics(make_service):
    service = make_service("metrics", clock=ManualClock(NOW))
    service.http = service.client()
    service.service_key = service.key_for("service")
    return service


def test_every_scope_filter_has_a_column_or_a_rule():
    assert set(ScopeArgsSchema().fields) == {*COLUMNS, "segment"} == set(SIDES)


@pytest.mark.parametrize("filter_name", sorted(ScopeArgsSchema().fields))
def test_every_filter_is_honoured_by_scores_compare_and_keywords(metrics, filter_name):
    kept, other = _response(filter_name, 0, "alpha parcel late"), _response(filter_name, 1, "bravo courier rude")
    stored = metrics.http.post("/v1/responses/batch", json={"responses": [kept, other]},
                               headers=auth(metrics.service_key))
    assert stored.status_code == 200, stored.json
    wanted = {filter_name: SIDES[filter_name][0]}
    window = {"from": (NOW - timedelta(days=7)).isoformat(), "to": NOW.isoformat()}

    scores = metrics.http.get("/v1/scores", headers=auth(ADMIN_KEY),
                              query_string={"metric": "nps", **window, **wanted})
    assert scores.status_code == 200, scores.json
    assert [cell["n"] for cell in scores.json["cells"]] == [1], scores.json

    compare = metrics.http.get("/v1/scores/compare", headers=auth(ADMIN_KEY),
                               query_string={"metric": "nps", "window": "7d", "to": NOW.isoformat(), **wanted})
    assert compare.status_code == 200, compare.json
    assert [cell["current"]["n"] for cell in compare.json["cells"]] == [1], compare.json

    keywords = metrics.http.get("/v1/voc/keywords", headers=auth(ADMIN_KEY),
                                query_string={**window, "split": "none", "min_count": 1, **wanted})
    assert keywords.status_code == 200, keywords.json
    found = {k["keyword"] for group in keywords.json["groups"] for k in group["top"]}
    assert "alpha" in found and "bravo" not in found, found
