"""App factory of the survey service: `gunicorn "services.survey.app:create_app()"`."""

from __future__ import annotations

from flask import Flask

from services.common.db import Database
from services.common.factory import build_app
from services.survey.api import blueprints
from services.survey.api.tracking import init_tracking
from services.survey.config import Config
from services.survey.models import PLATFORM


def create_app(config_class: type[Config] | Config = Config, *, database: Database | None = None,
               clock=None) -> Flask:
    """Build the survey app; nothing runs at import time."""
    config = config_class() if isinstance(config_class, type) else config_class
    app = build_app(__name__, config, title="survey", tables=PLATFORM, blueprints=blueprints(),
                    database=database, clock=clock,
                    description="Survey design, journey events, triggers, invitations and responses.")
    init_tracking(app)
    return app
