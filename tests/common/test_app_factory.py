"""Every service's app: health, readiness, OpenAPI, docs served locally, metrics, the error envelope."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.support import ADMIN_KEY, SERVICES, auth


@pytest.fixture(params=SERVICES)
def service(request, make_service):
    return make_service(request.param)


def test_healthz_and_readyz_answer_ok(service):
    client = service.client()
    assert client.get("/healthz").json == {"status": "ok", "service": service.service}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok"}


def test_readyz_is_503_when_the_database_is_unreachable(migrated_databases, backend):
    from services.common.db import Database, make_engine
    from services.metrics.app import create_app
    from services.metrics.config import TestConfig

    config = TestConfig({"METRICS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    app = create_app(config, database=Database(engine=make_engine(config.DATABASE_URL,
                                                                  connect_args={"connect_timeout": 2})))
    reply = app.test_client().get("/readyz")
    assert reply.status_code == 503
    assert reply.json["status"] == "unavailable"
    assert app.test_client().get("/healthz").status_code == 200


def test_openapi_is_valid_and_documents_bearer_auth(service):
    spec = service.client().get("/openapi.json").json
    validate(spec)
    assert spec["info"]["title"] == f"cxloop {service.service}"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/v1/whoami" in spec["paths"]


def test_docs_page_uses_only_local_assets(service):
    client = service.client()
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the docs page should load scripts and styles"
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_metrics_endpoint_speaks_prometheus(service):
    client = service.client()
    client.get("/healthz")
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert reply.content_type.startswith("text/plain")
    assert b"cx_http_requests_total" in reply.data


def test_unknown_path_and_wrong_method_get_the_envelope(service):
    client = service.client()
    missing = client.get("/no/such/thing")
    assert missing.status_code == 404
    assert missing.json["code"] == 404 and missing.json["status"] == "Not Found"
    assert missing.json["message"]
    wrong = client.delete("/healthz")
    assert wrong.status_code == 405
    assert wrong.json["status"] == "Method Not Allowed"
    assert "GET" in wrong.headers["Allow"]


def test_unexpected_exception_is_a_500_envelope_without_traceback(service, caplog):
    app = service.app

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    reply = app.test_client().get("/boom", headers={"X-Request-ID": "req-123"})
    assert reply.status_code == 500
    assert reply.json["code"] == 500
    assert reply.json["request_id"] == "req-123"
    assert "secret internal detail" not in reply.get_data(as_text=True)
    assert "Traceback" not in reply.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info and "secret internal detail" in str(r.exc_info[1])]
    assert logged, "the exception should be logged"


def test_request_id_is_echoed_or_made(service):
    client = service.client()
    assert client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert made != "bad id with spaces" and re.fullmatch(r"[0-9a-f]{32}", made)


def test_unknown_query_parameter_is_a_422_envelope(service):
    reply = service.client().get("/v1/outbox?status=dead&bogus=1", headers=auth(ADMIN_KEY))
    assert reply.status_code == 422
    assert reply.json["code"] == 422
    assert "bogus" in str(reply.json["errors"])


def test_json_logs_carry_the_request_id(service, capsys):
    import json
    import logging

    from services.common.observability import JsonFormatter

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        service.client().get("/v1/whoami", headers={"X-Request-ID": "trace-42", **auth(ADMIN_KEY)})
    finally:
        logging.getLogger().removeHandler(handler)
    access = [r for r in records if r.name.endswith(".access")]
    assert access
    line = json.loads(JsonFormatter(service.service).format(access[-1]))
    assert line["request_id"] == "trace-42"
    assert line["path"] == "/v1/whoami" and line["status"] == 200
