"""App factory of the notifier service: `gunicorn "services.notifier.app:create_app()"`."""

from __future__ import annotations

from flask import Flask

from services.common.db import Database
from services.common.factory import build_app
from services.notifier.api import blueprints
from services.notifier.config import Config
from services.notifier.models import PLATFORM
from shared.contracts.alerts import NoticeSchema


def create_app(config_class: type[Config] | Config = Config, *, database: Database | None = None,
               clock=None) -> Flask:
    """Build the notifier app; nothing runs at import time."""
    config = config_class() if isinstance(config_class, type) else config_class
    app = build_app(__name__, config, title="notifier", tables=PLATFORM, blueprints=blueprints(),
                    database=database, clock=clock,
                    description="Score-drop alerts and close-the-loop notices. The body a webhook channel "
                                "receives is the `AlertNotice` schema, signed by Standard Webhooks.")
    app.extensions["cx_api"].spec.components.schema("AlertNotice", schema=NoticeSchema)
    return app
