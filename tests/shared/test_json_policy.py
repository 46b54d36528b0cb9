"""The JSON policy's walk: exactly MAX_JSON_DEPTH levels of containers pass, one more is refused;
lone surrogates are found in keys, values and a top-level string."""

from __future__ import annotations

import json

import pytest

from shared.json_policy import MAX_JSON_DEPTH, JsonPolicyError, load_json


def _nested(levels: int, kind: str) -> str:
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return opening * levels + "1" + closing * levels


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_the_depth_limit_is_exact(kind):
    assert load_json(_nested(MAX_JSON_DEPTH, kind)) is not None
    with pytest.raises(JsonPolicyError, match="nested deeper"):
        load_json(_nested(MAX_JSON_DEPTH + 1, kind))


def test_a_deep_branch_beside_wide_shallow_ones_is_found():
    wide = {"items": [{"k": [1, 2, {"x": None}]} for _ in range(200)]}
    assert load_json(json.dumps(wide)) == wide
    wide["items"].append(json.loads(_nested(MAX_JSON_DEPTH - 1, "dict")))  # 2 levels above it: 33 in all
    with pytest.raises(JsonPolicyError, match="nested deeper"):
        load_json(json.dumps(wide))


@pytest.mark.parametrize("body", ['"\\ud800"', '{"\\udc00": 1}', '[1, {"a": ["x\\ud83d"]}]'])
def test_lone_surrogates_are_refused_wherever_they_are(body):
    with pytest.raises(JsonPolicyError, match="surrogate"):
        load_json(body)


def test_a_paired_surrogate_escape_is_a_real_character():
    assert load_json('{"e": "\\ud83d\\ude00"}') == {"e": "\U0001F600"}
