"""Every table of the console as CSV or XLSX: the rows of the page's filters with no row limit.

CSV streams as it is read (``services.common.csv_reply``, the APIs' own export). XLSX is written by
openpyxl in write-only mode, row by row, to a temporary file (constant memory whatever the row count),
then sent. Both pass every cell through ``spreadsheet_cell``: text a spreadsheet could run as a formula
is prefixed with ``'``, the same rule as the APIs' CSV.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook

from services.common.csv_reply import csv_response, spreadsheet_cell

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    """The rows as ``name.csv`` (streamed) or ``name.xlsx``."""
    if fmt == "csv":
        response = csv_response(columns, _lazy(rows), f"{name}.csv")
        response.response = stream_with_context(response.response)
    else:
        response = send_file(xlsx_file(columns, rows, sheet=name), mimetype=XLSX_TYPE, as_attachment=True,
                             download_name=f"{name}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def _lazy(rows: Iterable[Sequence[Any]]):
    yield from rows


def xlsx_file(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str):
    """A temporary file holding the rows as one XLSX sheet (header row frozen), positioned at its start."""
    book = Workbook(write_only=True)
    table = book.create_sheet(title=sheet[:31])
    table.freeze_panes = "A2"
    table.append(list(columns))
    for row in rows:
        table.append([spreadsheet_cell(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(handle)
    handle.seek(0)
    return handle
