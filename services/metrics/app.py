"""App factory of the metrics service: `gunicorn "services.metrics.app:create_app()"`."""

from __future__ import annotations

from flask import Flask

from services.common.db import Database
from services.common.factory import build_app
from services.metrics.api import blueprints
from services.metrics.config import Config
from services.metrics.finance.import_cli import finance_cli
from services.metrics.models import PLATFORM


def create_app(config_class: type[Config] | Config = Config, *, database: Database | None = None,
               clock=None) -> Flask:
    """Build the metrics app; nothing runs at import time."""
    config = config_class() if isinstance(config_class, type) else config_class
    app = build_app(__name__, config, title="metrics", tables=PLATFORM, blueprints=blueprints(),
                    database=database, clock=clock,
                    description="Experience scores, churn, retention and customer lifetime value, each with confidence intervals.")
    app.cli.add_command(finance_cli)
    return app
