"""Logs hold no link tokens, SQL parameters or key values, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from services.common.log_redaction import RedactingFilter, redact, redact_path
from services.common.observability import JsonFormatter

SECRET = "whsec-never-in-a-log-0123456789"


@pytest.mark.parametrize("path, expected", [
    ("/r/AbC-123_x", "/r/[redacted]"), ("/r/AbC/extra", "/r/[redacted]/extra"),
    ("/unsubscribe/tok", "/unsubscribe/[redacted]"), ("/v1/surveys/7", "/v1/surveys/7"),
    ("/v1/customers/c1/unsubscribe", "/v1/customers/c1/unsubscribe"),
])
def test_token_segments_are_redacted_and_other_paths_kept(path, expected):
    assert redact_path(path) == expected
    assert redact(f'GET {path}?score=3 HTTP/1.1') == f"GET {expected}?score=3 HTTP/1.1"


def _format(record_args) -> str:
    record = logging.LogRecord("cxloop.test", logging.ERROR, __file__, 1, *record_args)
    return JsonFormatter("test").format(record)


def test_a_failed_insert_leaves_no_parameter_or_key_value_in_the_log(make_service):
    service = make_service("notifier")
    tables = service.app.extensions["cx_tables"]
    row = {"key_id": "k" * 12, "key_hash": SECRET, "role": "admin", "subject": "s", "created_at": None}
    with pytest.raises(IntegrityError) as caught:  # created_at is NOT NULL (PostgreSQL echoes the row)
        with service.connection.begin_nested():
            service.connection.execute(insert(tables.api_keys).values(**row))
    assert "[SQL parameters hidden" in str(caught.value)
    assert SECRET not in _format(("unhandled exception", (), (IntegrityError, caught.value, caught.tb)))
    row["created_at"] = datetime.now(UTC)
    service.connection.execute(insert(tables.api_keys).values(**row))
    with pytest.raises(IntegrityError) as caught:
        with service.connection.begin_nested():
            service.connection.execute(insert(tables.api_keys).values(**{**row, "key_id": "j" * 12}))
    assert "[SQL parameters hidden" in str(caught.value)
    for args in [("unhandled exception", (), (IntegrityError, caught.value, caught.tb)),
                 ("value refused by the database: %s", (caught.value.orig,), None)]:
        line = _format(args)
        assert SECRET not in line and json.loads(line)["level"] == "ERROR"


def test_postgres_key_details_and_stray_parameters_are_redacted_from_any_text():
    text = ('(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint "k"\n'
            f'DETAIL:  Key (key_hash)=({SECRET}) already exists.\n[SQL: INSERT ...]\n'
            f"[parameters: {{'key_hash': '{SECRET}'}}]\n(Background on this error at: https://sqlalche.me)")
    cleaned = redact(text)
    assert SECRET not in cleaned and "Key (key_hash)=([redacted])" in cleaned and "Background" in cleaned


def test_the_filter_for_gunicorn_loggers_redacts_formatted_access_lines():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s"',
                               ({"h": "1.2.3.4", "r": "GET /unsubscribe/SECRETTOKEN HTTP/1.1"},), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == '1.2.3.4 "GET /unsubscribe/[redacted] HTTP/1.1"'


def test_log_redaction_imports_only_the_standard_library_so_gunicorn_can_load_it_first():
    import ast
    import inspect

    import services.common.log_redaction as module
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(inspect.getsource(module)))
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
