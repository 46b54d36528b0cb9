"""``Accept: text/csv`` on read endpoints: content negotiation and a streamed CSV reply."""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, request


def wants_csv() -> bool:
    """True when the client prefers CSV over JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv" and request.accept_mimetypes["text/csv"] > request.accept_mimetypes["application/json"]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value as a spreadsheet cell may hold it: blank for None and non-finite numbers, and text that a
    spreadsheet could run as a formula prefixed with ``'`` (CSV and XLSX exports alike)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, str) and _may_run_as_formula(value):
        return "'" + value  # keep spreadsheets from running text as a formula
    return value


def _may_run_as_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: judged after NFKC, since some
    spreadsheets fold fullwidth ``＝``/``＋``/``－``/``＠`` to their ASCII forms, and after leading spaces."""
    folded = unicodedata.normalize("NFKC", text)
    return (folded[:1] in FORMULA_STARTS or folded.lstrip(" ")[:1] in FORMULA_STARTS) and not _is_number(folded)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """Stream ``rows`` as CSV with a header line."""
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_cell(v) for v in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(generate(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_alternative(description: str) -> dict[str, Any]:
    """``Blueprint.doc`` arguments documenting the CSV form of a 200 reply (``Accept: text/csv``)."""
    return {"responses": {200: {"content": {"text/csv": {
        "schema": {"type": "string", "description": description}}}}}}
