"""App factory of the console: `gunicorn "services.console.app:create_app()"`."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from services.common.clock import SystemClock
from services.common.db import Database, gets_without_transaction
from services.common.factory import BoundedIntConverter
from services.common.health import health_blueprint
from services.common.observability import configure_logging, init_request_tracking
from services.common.security_headers import init_security_headers
from services.console.bootstrap import ensure_bootstrap_admin
from services.console.cli import users_cli
from services.console.clients import ServiceClients
from services.console.config import Config
from services.console.i18n import init_i18n
from services.console.pages import blueprints
from services.console.pages.context import init_template_context
from services.console.pages.errors import init_error_pages
from services.console.pages.headers import init_page_headers
from services.console.signin import init_sessions


def create_app(config_class: type[Config] | Config = Config, *, database: Database | None = None,
               clients: ServiceClients | None = None, clock=None) -> Flask:
    """Build the console; nothing runs at import time.

    Like the API services (services.common.factory) it has logs with request ids, Prometheus
    metrics, /healthz and /readyz; unlike them it answers with HTML pages, HTML error pages and a
    strict CSP, and keeps people in sessions instead of reading API keys.
    """
    config = config_class() if isinstance(config_class, type) else config_class
    app = Flask(__name__)
    app.url_map.converters["int"] = BoundedIntConverter  # a too-large id is a 404, not a 500
    app.config.from_object(config)
    configure_logging(config.SERVICE_NAME, config.LOG_LEVEL)
    (database or Database()).init_app(app)
    gets_without_transaction(app)  # pages only read on GET: no BEGIN/ROLLBACK round trips on PostgreSQL
    app.extensions["clock"] = clock or SystemClock()
    app.extensions["console_clients"] = clients or ServiceClients.from_config(config)
    init_request_tracking(app, config.SERVICE_NAME)
    init_page_headers(app)
    init_security_headers(app)
    CSRFProtect(app)
    init_sessions(app)
    init_i18n(app)
    init_error_pages(app)
    init_template_context(app)
    app.register_blueprint(health_blueprint)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.cli.add_command(users_cli)
    ensure_bootstrap_admin(app)
    return app
