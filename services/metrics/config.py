"""Configuration of the metrics service, read from METRICS_* and CX_* variables."""

from __future__ import annotations

from services.common.config import ServiceConfig
from shared.personal_data import DEFAULT_MIN_CELL_SIZE, parse_personal_attributes
from shared.personal_data import SETTING as PERSONAL_SETTING


class Config(ServiceConfig):
    """Metrics service settings."""

    SERVICE_NAME = "metrics"

    def load(self, env, prefix) -> None:
        """Finance settings: body limits of the bulk routes, CLV fit scheduling."""
        super().load(env, prefix)
        # 10,000 JSON transactions with attributes take a few MB; other routes keep the 1 MiB default.
        self.BATCH_MAX_BODY_BYTES = int(env.get(prefix + "BATCH_MAX_BODY_BYTES", str(16 * 1024 * 1024)))
        # The CSV import streams; the body limit (413 past it) guards the database's staging table.
        # 256 MiB is about three million transactions; larger files go through `flask transactions
        # import` (import_cli), or raise the limit; 0 means no limit.
        self.IMPORT_MAX_BODY_BYTES = int(env.get(prefix + "IMPORT_MAX_BODY_BYTES", str(256 * 1024 * 1024)))
        # Fits with at most this many customers run inside the request; larger ones in the worker.
        self.CLV_INLINE_MAX_CUSTOMERS = int(env.get(prefix + "CLV_INLINE_MAX_CUSTOMERS", "50000"))
        self.CLV_FIT_POLL_SECONDS = float(env.get(prefix + "CLV_FIT_POLL_SECONDS", "5"))
        self.CLV_NIGHTLY_CHECK_SECONDS = float(env.get(prefix + "CLV_NIGHTLY_CHECK_SECONDS", "600"))
        # The nightly refit: time unit of the fit, or empty to switch it off.
        self.CLV_NIGHTLY_TIME_UNIT = env.get(prefix + "CLV_NIGHTLY_TIME_UNIT", "week")
        self.CLV_DRAWS = int(env.get(prefix + "CLV_DRAWS", "200"))
        # Customer attributes that are personal data (shared.personal_data), one list for every service.
        self.PERSONAL_ATTRIBUTES = parse_personal_attributes(env.get(PERSONAL_SETTING))
        # Attribute-grouped cells under this many answers are merged into "(other)" for roles without
        # personal-data access.
        self.MIN_CELL_SIZE = max(1, int(env.get(prefix + "MIN_CELL_SIZE", str(DEFAULT_MIN_CELL_SIZE))))


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
