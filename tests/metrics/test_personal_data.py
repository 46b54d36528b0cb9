"""Personal attributes in scores: refused to roles without personal-data access, and attribute
groupings merged into '(other)' below the minimum cell size (both databases); the merge itself as data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.metrics.scores.disclosure import merge_small_cells
from shared.personal_data import OTHER_GROUP, Disclosure, parse_personal_attributes
from tests.metrics.scores_support import NOW, T0, response
from tests.metrics.test_scores_api import post
from tests.support import auth

RANGE = {"from": (T0 - timedelta(days=30)).isoformat(), "to": NOW.isoformat(), "min_n": 1}


def ask(metrics, role, path="/v1/scores", **params):
    if not hasattr(metrics, "keys"):
        metrics.keys = {}
    if role not in metrics.keys:
        metrics.keys[role] = metrics.key_for(role)
    key = metrics.keys[role]
    query = {**RANGE, **params} if path == "/v1/scores" else params
    return metrics.http.get(path, query_string=query, headers=auth(key))


def regions(sizes: dict[str, int]) -> list[dict]:
    return [response(nps=9, attributes={"region": region, "name": f"{region}-person-{i}"})
            for region, n in sizes.items() for i in range(n)]


@pytest.mark.parametrize("role", ["analyst", "team_lead"])
def test_grouping_or_filtering_by_a_personal_attribute_is_refused(metrics, role):
    post(metrics, regions({"Seoul": 6}))
    grouped = ask(metrics, role, metric="nps", group_by="attr.name")
    assert grouped.status_code == 422 and "personal data" in grouped.json["errors"]["group_by"][0]
    assert ask(metrics, role, metric="nps", group_by="attr.Full-Name").status_code == 422  # folded names
    filtered = ask(metrics, role, metric="nps", segment="email:a@example.com")
    assert filtered.status_code == 422 and "segment" in filtered.json["errors"]
    compared = ask(metrics, role, "/v1/scores/compare", metric="nps", window="7d", group_by="attr.phone")
    assert compared.status_code == 422 and "group_by" in compared.json["errors"], compared.json
    keywords = ask(metrics, role, "/v1/voc/keywords", segment="name:Seoul-person-0")
    assert keywords.status_code == 422 and "segment" in keywords.json["errors"], keywords.json
    assert ask(metrics, role, metric="nps", group_by="attr.region").status_code == 200


def test_marketers_may_group_by_personal_attributes(metrics):
    post(metrics, regions({"Seoul": 2}))
    reply = ask(metrics, "marketer", metric="nps", group_by="attr.name")
    assert reply.status_code == 200 and len(reply.json["cells"]) == 2 and reply.json["min_cell_size"] is None


def test_small_attribute_cells_are_merged_into_other_for_analysts(metrics):
    post(metrics, regions({"Seoul": 10, "Busan": 8, "Jeju": 3, "Ulsan": 1}))
    analyst = ask(metrics, "analyst", metric="nps", group_by="attr.region").json
    cells = {c["group"]["attr.region"]: c["n"] for c in analyst["cells"]}
    # Jeju (3) and Ulsan (1) are small; together 4 < 5, so the next smallest (Busan) joins them.
    assert cells == {"Seoul": 10, OTHER_GROUP: 12} and analyst["min_cell_size"] == 5
    marketer = ask(metrics, "marketer", metric="nps", group_by="attr.region").json
    assert {c["group"]["attr.region"]: c["n"] for c in marketer["cells"]} == {
        "Seoul": 10, "Busan": 8, "Jeju": 3, "Ulsan": 1}


def test_compare_merges_a_group_small_in_either_window(metrics):
    before = regions({"Seoul": 6, "Busan": 6})
    for item in before:
        stamp = (NOW - timedelta(days=10)).isoformat()
        item.update(created_at=stamp, updated_at=stamp, completed_at=stamp)
    now = regions({"Seoul": 6, "Busan": 2, "Jeju": 6})
    for item in now:
        stamp = (NOW - timedelta(days=2)).isoformat()
        item.update(created_at=stamp, updated_at=stamp, completed_at=stamp)
    post(metrics, before + now)
    reply = ask(metrics, "analyst", "/v1/scores/compare", metric="nps", window="7d", end=NOW.isoformat(),
                group_by="attr.region")
    assert reply.status_code == 200, reply.json
    groups = {c["group"]["attr.region"]: (c["current"]["n"], c["baseline"]["n"]) for c in reply.json["cells"]}
    # Busan has 2 now (small); merged alone it stays small, so the smallest other group (Jeju) joins it.
    assert groups == {"Seoul": (6, 6), OTHER_GROUP: (8, 6)}


def test_merge_keeps_other_groups_apart_and_leaves_full_access_untouched():
    counts = {("nps", "2026-01-05", "Seoul"): {9: 7}, ("nps", "2026-01-05", "Jeju"): {3: 1},
              ("nps", "2026-01-05", "Busan"): {9: 4, 3: 2}, ("nps", "2026-01-12", "Jeju"): {9: 9}}
    [merged] = merge_small_cells([counts], ["period", "attr.region"], 5)
    assert merged == {("nps", "2026-01-05", "Seoul"): {9: 7}, ("nps", "2026-01-05", OTHER_GROUP): {9: 4, 3: 3},
                      ("nps", "2026-01-12", "Jeju"): {9: 9}}
    assert merge_small_cells([counts], ["period", "attr.region"], Disclosure.full().cell_minimum) == [counts]
    assert merge_small_cells([counts], ["period", "touchpoint"], 5) == [counts]  # no attribute grouping


def test_personal_attribute_setting():
    assert parse_personal_attributes(None) == parse_personal_attributes("")
    assert "birthdate" in parse_personal_attributes(None)  # birth_date and birthdate fold to one name
    custom = Disclosure.for_role("analyst", parse_personal_attributes("nickname, Customer_Name"))
    assert custom.is_personal("customer-name") and custom.is_personal("NickName")
    assert not custom.is_personal("name")
    assert custom.attributes({"nickname": "x", "region": "Seoul"}) == {"region": "Seoul"}
    assert Disclosure.for_role("marketer", ["name"]).attributes({"name": "x"}) == {"name": "x"}
