"""Configuration, read from the environment in this one place.

Each service subclasses ``ServiceConfig`` and sets ``SERVICE_NAME``; its settings come from
``<SERVICE>_*`` variables, the cross-service ones from ``CX_*``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SERVICE_NAMES = ("survey", "metrics", "notifier")
DEFAULT_PORTS = {"survey": 8001, "metrics": 8002, "notifier": 8003, "console": 8000}
# Every app with its own database and Alembic environment: the API services and the web console.
MIGRATED_APPS = SERVICE_NAMES + ("console",)


def var_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Folder for the embedded databases and demo mail (``CX_VAR_DIR``, default ``var``)."""
    env = os.environ if environ is None else environ
    return Path(env.get("CX_VAR_DIR", "var"))


def database_url_for(service: str, environ: Mapping[str, str] | None = None) -> str:
    """The database URL of a service: ``<SERVICE>_DATABASE_URL`` or a SQLite file under ``var/``."""
    env = os.environ if environ is None else environ
    url = env.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{var_dir(env) / (service + '.db')}"


def normalise_database_url(url: str) -> str:
    """Make plain ``postgresql://`` URLs use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ServiceConfig:
    """Settings common to every service; subclasses add their own in ``load``."""

    SERVICE_NAME = ""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        prefix = self.SERVICE_NAME.upper() + "_"
        self.DATABASE_URL = database_url_for(self.SERVICE_NAME, env)
        self.ADMIN_KEY = env.get("CX_ADMIN_KEY") or None
        self.SERVICE_KEY = env.get("CX_SERVICE_KEY") or self.ADMIN_KEY
        # The web console's key (role console, like CX_ADMIN_KEY a bootstrap value) and the secret
        # that signs the person it acts for (shared.actor); without the secret no console request passes.
        self.CONSOLE_KEY = env.get("CX_CONSOLE_KEY") or None
        self.CONSOLE_ACTOR_SECRET = env.get("CX_CONSOLE_ACTOR_SECRET") or None
        self.LOG_LEVEL = env.get("CX_LOG_LEVEL", "INFO")
        self.VAR_DIR = str(var_dir(env))
        # Where people reach this service: the base of the links in the mail it sends.
        self.PUBLIC_BASE_URL = (env.get(prefix + "PUBLIC_BASE_URL")
                                or f"http://127.0.0.1:{DEFAULT_PORTS[self.SERVICE_NAME]}")
        self.HTTP_TIMEOUT_SECONDS = float(env.get("CX_HTTP_TIMEOUT_SECONDS", "5"))
        self.OUTBOX_MAX_ATTEMPTS = int(env.get(prefix + "OUTBOX_MAX_ATTEMPTS", "12"))
        self.OUTBOX_BATCH_SIZE = int(env.get(prefix + "OUTBOX_BATCH_SIZE", "100"))
        self.OUTBOX_INTERVAL_SECONDS = float(env.get(prefix + "OUTBOX_INTERVAL_SECONDS", "1"))
        self.OUTBOX_BACKOFF_BASE_SECONDS = float(env.get(prefix + "OUTBOX_BACKOFF_BASE_SECONDS", "2"))
        self.OUTBOX_BACKOFF_CAP_SECONDS = float(env.get(prefix + "OUTBOX_BACKOFF_CAP_SECONDS", "600"))
        # How long a relay owns the messages it claimed while it delivers them (then others may).
        self.OUTBOX_LEASE_SECONDS = float(env.get(prefix + "OUTBOX_LEASE_SECONDS", "60"))
        self.HEARTBEAT_SECONDS = float(env.get(prefix + "HEARTBEAT_SECONDS", "10"))
        self.MAX_CONTENT_LENGTH = int(env.get(prefix + "MAX_BODY_BYTES", str(1024 * 1024)))
        self.RATE_LIMIT_PER_MINUTE = float(env.get("CX_RATE_LIMIT_PER_MINUTE", "60000"))
        self.RATE_LIMIT_BURST = float(env.get("CX_RATE_LIMIT_BURST", "2000"))
        self.PUBLIC_RATE_LIMIT_PER_MINUTE = float(env.get("CX_PUBLIC_RATE_LIMIT_PER_MINUTE", "600"))
        self.PUBLIC_RATE_LIMIT_BURST = float(env.get("CX_PUBLIC_RATE_LIMIT_BURST", "120"))
        # Failed authentications (401) per client address: past the burst, 429 until they refill.
        self.AUTH_FAILURE_LIMIT_PER_MINUTE = float(env.get("CX_AUTH_FAILURE_LIMIT_PER_MINUTE", "10"))
        self.AUTH_FAILURE_LIMIT_BURST = float(env.get("CX_AUTH_FAILURE_LIMIT_BURST", "20"))
        self.TESTING = False
        self.load(env, prefix)

    def load(self, env: Mapping[str, str], prefix: str) -> None:
        """Read the service's own settings; overridden by services."""

    def service_url(self, env: Mapping[str, str], service: str) -> str:
        """Base URL of another service (``<THIS>_<OTHER>_URL``, default the local port)."""
        key = f"{self.SERVICE_NAME.upper()}_{service.upper()}_URL"
        return env.get(key, f"http://127.0.0.1:{DEFAULT_PORTS[service]}")
