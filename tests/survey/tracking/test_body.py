"""Reading tracking bodies: gzip bounded, and each batch item's size found from the body itself."""

from __future__ import annotations

import gzip
import json

import pytest

from services.common.exceptions import PayloadTooLargeError
from services.survey.tracking.body import decompress, item_sizes

LIMIT = 32 * 1024


def test_item_sizes_are_the_bytes_as_sent_for_items_that_could_be_too_large():
    big = {"type": "track", "properties": {"note": "가" * 12000}}
    body = json.dumps({"sentAt": "x", "batch": [big, {"type": "page"}, [1, 2]], "other": {"batch": 1}},
                      ensure_ascii=False).encode()
    sizes = item_sizes(body, "batch", limit=LIMIT)
    assert sizes is not None and sizes[1:] == [None, None]
    assert sizes[0] == len(json.dumps(big, ensure_ascii=False).encode()) == 36045
    spaced = item_sizes(b' {\n "batch" :\t[ {"a": 1} ,\r\n [ ] ] } ', "batch", limit=4)
    assert spaced == [len(b'{"a": 1}'), len(b"[ ]")]


@pytest.mark.parametrize("body", [b"[1]", b'{"x": 1}', b'{"batch": 3}', b"{", b'{"batch": [1,}'])
def test_item_sizes_leave_unusual_bodies_to_the_caller(body):
    sizes = item_sizes(body, "batch", limit=LIMIT)
    assert sizes is None or sizes == []


def test_the_last_of_repeated_keys_counts_as_in_json():
    assert item_sizes(b'{"batch": [1, 2], "batch": [3]}', "batch", limit=LIMIT) == [None]


def test_gzip_is_bounded():
    assert decompress(gzip.compress(b"x" * 100), "gzip", max_bytes=100) == b"x" * 100
    with pytest.raises(PayloadTooLargeError):
        decompress(gzip.compress(b"x" * 101), "gzip", max_bytes=100)
