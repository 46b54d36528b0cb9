"""Configuration of the survey service, read from SURVEY_* and CX_* variables."""

from __future__ import annotations

from services.common.config import ServiceConfig


class Config(ServiceConfig):
    """Survey service settings."""

    SERVICE_NAME = "survey"

    def load(self, env, prefix) -> None:
        self.METRICS_URL = self.service_url("metrics")
        self.NOTIFIER_URL = self.service_url("notifier")
        self.SMTP_HOST = env.get(prefix + "SMTP_HOST") or None
        self.SMTP_PORT = int(env.get(prefix + "SMTP_PORT", "25"))
        self.MAIL_FROM = env.get(prefix + "MAIL_FROM", "cxloop <surveys@cxloop.invalid>")


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
