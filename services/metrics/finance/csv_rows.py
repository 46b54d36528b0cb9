"""Streaming CSV reader for transaction files: one validated row at a time, problems by line number.

The file is read in chunks from any binary stream (a request body, an open file), decoded as
UTF-8 (a byte-order mark is allowed) and never held in memory whole.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from shared.contracts.finance import SEGMENT_MAX_LENGTH, check_currency, check_identifier, parse_amount, parse_moment

REQUIRED_COLUMNS = ("id", "customer_id", "occurred_at", "amount", "currency")
OPTIONAL_COLUMNS = ("segment",)
CHUNK_BYTES = 1 << 16
MAX_ATTRIBUTE_COLUMNS = 50
# The longest line read: 50 attribute columns of a few hundred characters fit many times over.
MAX_LINE_CHARS = 1 << 17


class CsvHeaderError(ValueError):
    """The header line is missing, repeats a column or lacks a required one."""


@dataclass
class CsvRow:
    """A row: its line number, and either the validated values or the problems found."""

    line: int
    values: dict | None
    problems: list[str] = field(default_factory=list)


class CsvLineTooLongError(ValueError):
    """A line is longer than ``MAX_LINE_CHARS``; ``line`` is its number (the header is 1)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is longer than {MAX_LINE_CHARS} characters")
        self.line = line


def _lines(stream: BinaryIO, progress=None) -> Iterator[str]:
    """The stream's lines, each with its newline; only the current line's unfinished parts are kept,
    and a line past ``MAX_LINE_CHARS`` stops the reading (no file needs one; a newline-less body
    must not be gathered whole)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    parts: list[str] = []  # the unfinished line, in pieces: joined once, when its newline arrives
    held, line_number = 0, 1
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if progress is not None and chunk:
            progress(len(chunk))
        pieces = decoder.decode(chunk or b"", final=not chunk).split("\n")
        for piece in pieces[:-1]:
            if held + len(piece) > MAX_LINE_CHARS:
                raise CsvLineTooLongError(line_number)
            yield "".join(parts) + piece + "\n"
            parts, held, line_number = [], 0, line_number + 1
        parts.append(pieces[-1])
        held += len(pieces[-1])
        if held > MAX_LINE_CHARS:
            raise CsvLineTooLongError(line_number)
        if not chunk:
            break
    if held:
        yield "".join(parts)


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or repeated or any(not name for name in names):
        parts = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + \
                ([f"repeated column(s): {', '.join(repeated)}"] if repeated else []) + \
                (["a column has no name"] if any(not n for n in names) else [])
        raise CsvHeaderError("; ".join(parts))
    if len(names) - len(REQUIRED_COLUMNS) - len(OPTIONAL_COLUMNS) > MAX_ATTRIBUTE_COLUMNS:
        raise CsvHeaderError(f"at most {MAX_ATTRIBUTE_COLUMNS} attribute columns")
    return names


def _validate(record: dict[str, str]) -> tuple[dict | None, list[str]]:
    problems: list[str] = []
    values: dict = {"attributes": {}}
    checks = {"id": lambda v: check_identifier(v, "id"),
              "customer_id": lambda v: check_identifier(v, "customer_id"),
              "occurred_at": parse_moment, "amount": parse_amount, "currency": check_currency}
    for name, check in checks.items():
        try:
            values[name] = check(record[name])
        except (ValueError, TypeError) as error:
            problems.append(f"{name}: {error} (got {record[name][:40]!r})")
    segment = (record.get("segment") or "").strip()
    if len(segment) > SEGMENT_MAX_LENGTH:
        problems.append(f"segment: at most {SEGMENT_MAX_LENGTH} characters")
    values["segment"] = segment or None
    for name, value in record.items():
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS and value != "":
            values["attributes"][name] = value
    return (None, problems) if problems else (values, [])


def read_transactions(stream: BinaryIO, progress=None) -> Iterator[CsvRow]:
    """Yield each data row of a transactions CSV with its line number (the header is line 1).

    Raises :class:`CsvHeaderError` for an unusable header; a file that is not UTF-8, or a line
    longer than ``MAX_LINE_CHARS``, yields one problem row at that line, then stops.
    """
    reader = csv.reader(_lines(stream, progress), strict=True)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error, CsvLineTooLongError) as error:
        raise CsvHeaderError(f"unreadable header: {error}") from None
    if header is None:
        raise CsvHeaderError("the file is empty")
    names = _check_header(header)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield CsvRow(reader.line_num + 1, None, ["the file is not valid UTF-8 from here on"])
            return
        except CsvLineTooLongError as error:
            yield CsvRow(error.line, None, [f"the line is longer than {MAX_LINE_CHARS} characters; "
                                            "reading stopped here"])
            return
        except csv.Error as error:
            yield CsvRow(reader.line_num, None, [f"malformed CSV: {error}"])
            return
        if not fields or fields == [""]:
            continue
        if len(fields) != len(names):
            yield CsvRow(reader.line_num, None, [f"expected {len(names)} fields, found {len(fields)}"])
            continue
        values, problems = _validate(dict(zip(names, fields, strict=False)))
        yield CsvRow(reader.line_num, values, problems)
