"""Group labels of rated comments."""

from __future__ import annotations

import pytest

from services.metrics.voc import csat_group, nps_group


@pytest.mark.parametrize(
    ("score", "label"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"),
     (10, "promoter"), (6.0, "detractor")],
)
def test_nps_group(score, label):
    assert nps_group(score) == label


@pytest.mark.parametrize(
    ("score", "label"), [(1, "unsatisfied"), (3, "unsatisfied"), (4, "satisfied"), (5, "satisfied")]
)
def test_csat_group(score, label):
    assert csat_group(score) == label


@pytest.mark.parametrize("score", [-1, 11, 6.5, True, "9", float("nan"), None])
def test_nps_group_rejects_bad_scores(score):
    with pytest.raises(ValueError):
        nps_group(score)


@pytest.mark.parametrize("score", [0, 6])
def test_csat_group_rejects_out_of_scale(score):
    with pytest.raises(ValueError):
        csat_group(score)
