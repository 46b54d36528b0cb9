"""CSV replies: text a spreadsheet would run as a formula is quoted, fullwidth forms included."""

from __future__ import annotations

import csv
import io

import pytest

from services.common.csv_reply import csv_response


def _cells(values) -> list[str]:
    reply = csv_response(["v"], [[v] for v in values], "x.csv")
    rows = list(csv.reader(io.StringIO("".join(reply.response))))
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\")", "＝HYPERLINK(\"http://evil\")", "＋1+cmd|' /C calc'!A0",
                                  "－2+3", "＠SUM(A1)", "@SUM(A1)", "\t=1+1", " =1+1", "\r=1"])
def test_formula_like_text_is_quoted_after_nfkc(text):
    assert _cells([text]) == ["'" + text]


@pytest.mark.parametrize("value, shown", [("-5", "-5"), ("+3.5", "+3.5"), (-2, "-2"), ("배송 -빠름", "배송 -빠름"),
                                          ("a=b", "a=b"), (None, "")])
def test_numbers_and_ordinary_text_stay_as_they_are(value, shown):
    assert _cells([value]) == [shown]
