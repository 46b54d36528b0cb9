"""Configuration of the notifier service, read from NOTIFIER_* and CX_* variables."""

from __future__ import annotations

from services.common.config import ServiceConfig


class Config(ServiceConfig):
    """Notifier service settings."""

    SERVICE_NAME = "notifier"

    def load(self, env, prefix) -> None:
        self.METRICS_URL = self.service_url("metrics")
        self.SMTP_HOST = env.get(prefix + "SMTP_HOST") or None
        self.SMTP_PORT = int(env.get(prefix + "SMTP_PORT", "25"))
        self.MAIL_FROM = env.get(prefix + "MAIL_FROM", "cxloop alerts <alerts@cxloop.invalid>")


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
