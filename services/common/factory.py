"""The parts of an app factory every service shares."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable

import flask_smorest
from flask import Blueprint, Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from services.common.auth import init_auth
from services.common.clock import SystemClock
from services.common.config import ServiceConfig
from services.common.db import Database
from services.common.errors import EnvelopeApi, init_error_handlers
from services.common.health import health_blueprint
from services.common.keys_api import keys_blueprint
from services.common.keys_cli import keys_cli
from services.common.observability import configure_logging, init_request_tracking
from services.common.ops_api import ops_blueprint
from services.common.outbox_cli import outbox_cli, set_aside_cli
from services.common.ratelimit import init_rate_limits
from services.common.security_headers import init_security_headers
from services.common.tables import PlatformTables
from shared.contracts.fields import MAX_ID
from shared.json_policy import load_json

DOCS_ASSETS_PATH = "/docs-assets"


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` path segments within the 64-bit id columns: a larger number is a 404, not a 500."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class PolicyJsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, loading bodies under the shared JSON policy."""

    def loads(self, s, **kwargs):
        return load_json(s)


def build_app(import_name: str, config: ServiceConfig, *, title: str, description: str,
              tables: PlatformTables, blueprints: Iterable[Blueprint] = (),
              database: Database | None = None, clock=None) -> Flask:
    """Create a Flask app with config, database, auth, errors, logs, metrics, health and OpenAPI."""
    app = Flask(import_name)
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = PolicyJsonProvider(app)
    app.config.from_object(config)
    app.config.update(
        API_TITLE=f"cxloop {title}", API_VERSION="1.0", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs", OPENAPI_SWAGGER_UI_URL=f"{DOCS_ASSETS_PATH}/",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    configure_logging(config.SERVICE_NAME, config.LOG_LEVEL)
    (database or Database()).init_app(app)
    app.extensions["cx_tables"] = tables
    app.extensions["clock"] = clock or SystemClock()
    init_request_tracking(app, config.SERVICE_NAME)
    init_auth(app, tables)
    init_rate_limits(app)
    init_security_headers(app, docs_path=app.config["OPENAPI_SWAGGER_UI_PATH"])
    api = EnvelopeApi(app)
    app.extensions["cx_api"] = api
    init_error_handlers(app)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(_docs_assets_blueprint())
    api.register_blueprint(ops_blueprint)
    api.register_blueprint(keys_blueprint)
    for blueprint in blueprints:
        if isinstance(blueprint, flask_smorest.Blueprint):
            api.register_blueprint(blueprint)
        else:  # plain Flask blueprints (HTML pages) stay out of the OpenAPI document
            app.register_blueprint(blueprint)
    app.cli.add_command(keys_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(set_aside_cli)
    return app


def _docs_assets_blueprint() -> Blueprint:
    """Serve the Swagger UI files shipped in the flask-swagger-ui package, so the docs work offline."""
    dist = importlib.resources.files("flask_swagger_ui") / "dist"
    return Blueprint("docs_assets", __name__, static_folder=str(dist), static_url_path=DOCS_ASSETS_PATH)
