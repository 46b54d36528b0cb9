"""Configuration of the metrics service, read from METRICS_* and CX_* variables."""

from __future__ import annotations

from services.common.config import ServiceConfig


class Config(ServiceConfig):
    """Metrics service settings."""

    SERVICE_NAME = "metrics"


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
