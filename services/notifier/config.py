"""Configuration of the notifier service, read from NOTIFIER_* and CX_* variables."""

from __future__ import annotations

from pathlib import Path

from services.common.config import ServiceConfig
from shared.personal_data import SETTING as PERSONAL_SETTING
from shared.personal_data import parse_personal_attributes


class Config(ServiceConfig):
    """Notifier service settings."""

    SERVICE_NAME = "notifier"

    def load(self, env, prefix) -> None:
        self.METRICS_URL = self.service_url(env, "metrics")
        # The brand on alert emails comes from survey (GET /v1/brand), kept this long per process.
        self.SURVEY_URL = self.service_url(env, "survey")
        self.BRAND_CACHE_SECONDS = float(env.get(prefix + "BRAND_CACHE_SECONDS", "300"))
        self.METRICS_TIMEOUT_SECONDS = float(env.get(prefix + "METRICS_TIMEOUT_SECONDS", "10"))
        self.METRICS_ATTEMPTS = int(env.get(prefix + "METRICS_ATTEMPTS", "3"))
        self.DATA_LINK_BASE = env.get(prefix + "DATA_LINK_BASE", self.METRICS_URL)
        # Where people reach the console: notices link to the alert and its responses there. Unset:
        # notices carry no console link (rather than a dead one).
        self.CONSOLE_URL = (env.get(prefix + "CONSOLE_URL") or env.get("CONSOLE_PUBLIC_BASE_URL") or "").rstrip("/") or None
        self.SMTP_HOST = env.get(prefix + "SMTP_HOST") or None
        self.SMTP_PORT = int(env.get(prefix + "SMTP_PORT", "25"))
        self.MAIL_FROM = env.get(prefix + "MAIL_FROM", "cxloop alerts <alerts@cxloop.invalid>")
        self.MAIL_DIR = env.get(prefix + "MAIL_DIR") or str(Path(self.VAR_DIR) / "mail")
        # Loopback webhook receivers (local test receivers) only with this explicit flag.
        self.ALLOW_PRIVATE_WEBHOOKS = env.get(prefix + "ALLOW_PRIVATE_WEBHOOKS", "0") == "1"
        self.WEBHOOK_TIMEOUT_SECONDS = float(env.get(prefix + "WEBHOOK_TIMEOUT_SECONDS", "5"))
        self.EVALUATION_INTERVAL_SECONDS = float(env.get(prefix + "EVALUATION_INTERVAL_SECONDS", "60"))
        self.EVALUATION_BATCH_SIZE = int(env.get(prefix + "EVALUATION_BATCH_SIZE", "50"))
        # Late responses: a closed window is decided this long after it closed.
        self.SETTLE_SECONDS = float(env.get(prefix + "SETTLE_SECONDS", "600"))
        # Metrics down: look again after this long (nothing fires meanwhile).
        self.METRICS_RETRY_SECONDS = float(env.get(prefix + "METRICS_RETRY_SECONDS", "120"))
        # A claimed subscription is held this long while metrics is asked (no transaction open);
        # a worker that dies meanwhile leaves it to be claimed again once the lease ends.
        self.EVALUATION_LEASE_SECONDS = float(env.get(prefix + "EVALUATION_LEASE_SECONDS", "300"))
        # Close-the-loop cases: due this long after opening when no playbook sets a target; the job that
        # reminds assignees of overdue cases looks this often.
        self.CASE_TARGET_HOURS = int(env.get(prefix + "CASE_TARGET_HOURS", "24"))
        self.CASE_REMINDER_INTERVAL_SECONDS = float(env.get(prefix + "CASE_REMINDER_INTERVAL_SECONDS", "300"))
        # Customer attributes that are personal data (shared.personal_data), one list for every service.
        self.PERSONAL_ATTRIBUTES = parse_personal_attributes(env.get(PERSONAL_SETTING))


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
