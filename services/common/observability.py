"""Structured JSON logs with a request id, and Prometheus metrics that work under several gunicorn workers.

Every line passes through ``log_redaction.redact``: no link tokens, SQL parameters or key values.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

from services.common.log_redaction import redact, redact_path

REQUEST_ID_HEADER = "X-Request-ID"
# httpx logs every request's full URL at INFO (a Slack webhook URL is its secret); SQLAlchemy logs
# statements at INFO and result rows at DEBUG.
QUIET_LOGGERS = ("httpx", "httpcore", "sqlalchemy.engine", "sqlalchemy.pool")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

HTTP_REQUESTS = Counter("cx_http_requests_total", "HTTP requests handled",
                        ["service", "method", "endpoint", "status"])
HTTP_LATENCY = Histogram("cx_http_request_duration_seconds", "HTTP request latency",
                         ["service", "method", "endpoint"])


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, service, request id, extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "status", "duration_ms", "job", "outbox_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if isinstance(entry.get("path"), str):
            entry["path"] = redact_path(entry["path"])
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


_base_record_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    record = _base_record_factory(*args, **kwargs)
    if not hasattr(record, "request_id"):
        record.request_id = current_request_id()
    return record


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send the root logger's output as JSON lines to stderr, each record tagged with the request id."""
    logging.setLogRecordFactory(_record_with_request_id)
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_cx_json", False):
            handler.setFormatter(JsonFormatter(service))
            break
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler._cx_json = True  # type: ignore[attr-defined]
        handler.setFormatter(JsonFormatter(service))
        root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:  # even at DEBUG: they would write URLs, statements and rows
        logging.getLogger(name).setLevel(logging.WARNING)


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    if has_request_context():
        return g.get("request_id")
    return None


def init_request_tracking(app: Flask, service: str) -> None:
    """Assign or accept a request id, log each request, count it for Prometheus."""
    access_log = logging.getLogger(f"cxloop.{service}.access")

    @app.before_request
    def _start_request() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish_request(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = time.perf_counter() - started if started else 0.0
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        HTTP_REQUESTS.labels(service, request.method, endpoint, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, request.method, endpoint).observe(duration)
        if endpoint not in ("/healthz", "/metrics"):
            access_log.info("request", extra={"method": request.method, "path": redact_path(request.path),
                                              "status": response.status_code,
                                              "duration_ms": round(duration * 1000, 2)})
        return response

    app.add_url_rule("/metrics", "prometheus_metrics", _metrics_view)


def _metrics_view() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        payload = generate_latest(registry)
    else:
        payload = generate_latest()
    return Response(payload, mimetype=CONTENT_TYPE_LATEST)
