"""Configuration of the console, read from CONSOLE_* and CX_* variables."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from services.common.config import ServiceConfig

log = logging.getLogger("cxloop.console.config")


def kept_secret_key(var_dir: Path) -> str:
    """The session-signing key kept in ``var/console-secret-key`` (0600), made on first use.

    Every gunicorn worker must sign sessions with the same key; production sets CONSOLE_SECRET_KEY.
    """
    path = var_dir / "console-secret-key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


class Config(ServiceConfig):
    """Console settings."""

    SERVICE_NAME = "console"

    def load(self, env, prefix) -> None:
        self.SURVEY_URL = self.service_url(env, "survey")
        self.METRICS_URL = self.service_url(env, "metrics")
        self.NOTIFIER_URL = self.service_url(env, "notifier")
        self.SECRET_KEY = env.get(prefix + "SECRET_KEY") or kept_secret_key(Path(self.VAR_DIR))
        # The first person, made (or left as is) at start-up, like CX_ADMIN_KEY for the API.
        self.BOOTSTRAP_ADMIN_EMAIL = env.get("CX_CONSOLE_ADMIN_EMAIL") or None
        self.BOOTSTRAP_ADMIN_PASSWORD = env.get("CX_CONSOLE_ADMIN_PASSWORD") or None
        # How long a signed acting-person header stays valid (shared.actor caps it at 600 s).
        self.ACTOR_LIFETIME_SECONDS = int(env.get(prefix + "ACTOR_LIFETIME_SECONDS", "120"))
        self.SERVICE_TIMEOUT_SECONDS = float(env.get(prefix + "SERVICE_TIMEOUT_SECONDS", "5"))
        self.SERVICE_READ_ATTEMPTS = int(env.get(prefix + "SERVICE_READ_ATTEMPTS", "2"))
        # How many independent reads of one page go to the services at once (1: one after another).
        self.PARALLEL_READS = int(env.get(prefix + "PARALLEL_READS", "4"))
        # Sign-in attempts: per account and per client address (token buckets, per process).
        self.LOGIN_LIMIT_PER_ACCOUNT_PER_MINUTE = float(env.get(prefix + "LOGIN_LIMIT_PER_ACCOUNT_PER_MINUTE", "2"))
        self.LOGIN_LIMIT_PER_ACCOUNT_BURST = float(env.get(prefix + "LOGIN_LIMIT_PER_ACCOUNT_BURST", "5"))
        self.LOGIN_LIMIT_PER_ADDRESS_PER_MINUTE = float(env.get(prefix + "LOGIN_LIMIT_PER_ADDRESS_PER_MINUTE", "10"))
        self.LOGIN_LIMIT_PER_ADDRESS_BURST = float(env.get(prefix + "LOGIN_LIMIT_PER_ADDRESS_BURST", "30"))
        self.DEFAULT_LANGUAGE = env.get(prefix + "DEFAULT_LANGUAGE", "ko")
        self.DEFAULT_TIME_ZONE = env.get(prefix + "DEFAULT_TIME_ZONE", "Asia/Seoul")
        secure = self.PUBLIC_BASE_URL.lower().startswith("https://")
        self.SESSION_COOKIE_NAME = "cx_console_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = secure
        self.PERMANENT_SESSION_LIFETIME = int(env.get(prefix + "SESSION_HOURS", "12")) * 3600
        # Room for a logo upload (at most 512 KB, shared.contracts.brand) and the rest of its form.
        self.MAX_CONTENT_LENGTH = int(env.get(prefix + "MAX_BODY_BYTES", str(640 * 1024)))
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.WTF_CSRF_SSL_STRICT = secure


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        env = {"CONSOLE_SECRET_KEY": "test-console-secret", **env}
        super().load(env, prefix)
        self.TESTING = True
