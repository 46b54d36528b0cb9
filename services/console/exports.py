"""Every table of the console as CSV or XLSX: the rows of the page's filters with no row limit.

CSV streams as it is read (``services.common.csv_reply``, the APIs' own export). XLSX is written by
openpyxl in write-only mode, row by row, to a temporary file (constant memory whatever the row count),
then sent. Both pass every cell through ``spreadsheet_cell``: text a spreadsheet could run as a formula
is prefixed with ``'``, the same rule as the APIs' CSV.

Values stay unformatted: numbers as numbers, days as ISO dates, moments in the person's time zone
(``in_zone``). A moment is written to CSV as ISO 8601 with its offset (``2025-03-03T18:00:00+09:00``); an
XLSX cell cannot hold an offset, so it holds the same wall-clock time as a real date cell.

An export may take longer than gunicorn's worker timeout: the console runs gthread workers, whose
heartbeat does not wait for a request to end (``deploy/gunicorn.conf.py``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, request, send_file, stream_with_context
from openpyxl import Workbook

from services.common.csv_reply import csv_response, spreadsheet_cell
from services.console.clients import ConsoleServiceError, ServiceRefusedError
from services.console.pages.support import service_problem

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    """The rows as ``name.csv`` (streamed) or ``name.xlsx``."""
    if fmt == "csv":
        response = csv_response(columns, _csv_rows(rows), f"{name}.csv")
        response.response = stream_with_context(response.response)
    else:
        response = send_file(xlsx_file(columns, rows, sheet=name), mimetype=XLSX_TYPE, as_attachment=True,
                             download_name=f"{name}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def in_zone(value: datetime | None, tz_name: str) -> datetime | None:
    """A moment in the person's time zone, to the second (None stays None)."""
    return None if value is None else value.astimezone(ZoneInfo(tz_name)).replace(microsecond=0)


def _csv_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [_csv_value(value) for value in row]


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # the wall-clock time of the person's zone (Excel has no offsets)
    return spreadsheet_cell(value)


def xlsx_file(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str):
    """A temporary file holding the rows as one XLSX sheet (header row frozen), positioned at its start."""
    book = Workbook(write_only=True)
    table = book.create_sheet(title=sheet[:31])
    table.freeze_panes = "A2"
    table.append(list(columns))
    for row in rows:
        table.append([_xlsx_value(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(handle)
    handle.seek(0)
    return handle


def export_refused(error: ConsoleServiceError, back: str) -> Response:
    """A read an export needs failed: a refusal is its error page (403, 404), anything else (a service down,
    a filter it refuses) a message on the page the export was asked from; never a broken file."""
    if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
        abort(error.status)
    flash(service_problem(error), "error")
    return redirect(back)


def with_same_query(path: str) -> str:
    """``path`` with the query string of this request (an export's way back to its page, same filters)."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{path}?{query}" if query else path
