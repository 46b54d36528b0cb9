"""Reading a tracking body: optionally gzip-encoded, bounded before and after decompression, JSON
under the shared policy. No Flask here: the route hands over the bytes and the header."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from services.common.exceptions import InvalidInputError, PayloadTooLargeError
from shared.json_policy import JsonPolicyError, load_json

_GZIP_WINDOW = 16 + zlib.MAX_WBITS  # a gzip header and trailer around a deflate stream


class UnsupportedEncodingError(InvalidInputError):
    """A ``Content-Encoding`` other than gzip or identity (415)."""

    status_code = 415


def decompress(raw: bytes, content_encoding: str | None, *, max_bytes: int) -> bytes:
    """The body's bytes after ``Content-Encoding`` (gzip or none), never more than ``max_bytes``.

    Decompression stops one byte past the limit, so a small gzip bomb costs at most ``max_bytes`` of
    memory before it is refused with 413.
    """
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        data = raw
    elif encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(_GZIP_WINDOW)
        try:
            data = inflater.decompress(raw, max_bytes + 1)
        except zlib.error as exc:
            raise InvalidInputError("the body is not valid gzip", errors={"body": [str(exc)]}) from None
        if len(data) <= max_bytes and not inflater.eof:
            raise InvalidInputError("the gzip body is truncated", errors={"body": ["incomplete gzip stream"]})
    else:
        raise UnsupportedEncodingError(f"unsupported Content-Encoding {encoding[:40]!r}; send gzip or none",
                                       errors={"Content-Encoding": ["gzip or none"]})
    if len(data) > max_bytes:
        raise PayloadTooLargeError(f"the body is larger than {max_bytes} bytes")
    return data


def parse_json_object(data: bytes) -> dict[str, Any]:
    """The body as a JSON object (422 for anything else)."""
    try:
        document = load_json(data)
    except JsonPolicyError as exc:
        raise InvalidInputError(f"the request body is not acceptable JSON: {exc}", errors={"json": [str(exc)]}) from None
    except ValueError as exc:
        raise InvalidInputError("the request body is not valid JSON", errors={"json": [str(exc)]}) from None
    if not isinstance(document, dict):
        raise InvalidInputError("the request body must be a JSON object", errors={"json": ["an object"]})
    return document


_PLAIN = json.JSONDecoder()  # only finds where each item ends; the policy decoder did the reading
_SPACE = re.compile(r"[ \t\n\r]*")
_WIDEST_CHARACTER = 4  # bytes of one character in UTF-8


def item_sizes(data: bytes, key: str, *, limit: int) -> list[int | None] | None:
    """For each item of the top-level array ``key``: its size in bytes as written in the body when that
    may exceed ``limit``, else None (it cannot). None for the whole when the body is not a plain object
    holding that array; the caller then measures each item itself.

    One pass of the C decoder over the body, cheaper than serialising every item again.
    """
    try:
        text = data.decode("utf-8")
        index = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
        if text[index] != "{":
            return None
        index += 1
        sizes: list[int | None] | None = None
        while True:
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            if text[index] == "}":
                return sizes
            name, index = _PLAIN.raw_decode(text, index)
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            if text[index] != ":":
                return None
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            if name == key and text[index] == "[":
                sizes, index = _array_sizes(text, index + 1, limit)  # a repeated key: the last one wins, as in json
            else:
                _, index = _PLAIN.raw_decode(text, index)
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            if text[index] == ",":
                index += 1
            elif text[index] != "}":
                return None
    except (ValueError, IndexError):
        return None


def _array_sizes(text: str, index: int, limit: int) -> tuple[list[int | None], int]:
    sizes: list[int | None] = []
    index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
    if text[index] == "]":
        return sizes, index + 1
    while True:
        _, end = _PLAIN.raw_decode(text, index)
        characters = end - index
        sizes.append(len(text[index:end].encode("utf-8")) if characters * _WIDEST_CHARACTER > limit else None)
        index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[index] == "]":
            return sizes, index + 1
        if text[index] != ",":
            raise ValueError("not an array")
        index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
