"""Configuration of the survey service, read from SURVEY_* and CX_* variables."""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path

from services.common.config import ServiceConfig
from shared.personal_data import SETTING as PERSONAL_SETTING
from shared.personal_data import parse_personal_attributes

log = logging.getLogger("cxloop.survey.config")
_DEV_SECRET = "cxloop-development-token-secret"


def _token_secrets(setting: str | None, var_dir: Path) -> tuple[str, ...]:
    """The link-token secrets, current first: from the setting, else from ``var/token-secret``."""
    if not setting:
        path = var_dir / "token-secret"
        setting = path.read_text().strip() if path.is_file() else ""
    return tuple(secret.strip() for secret in setting.split(",") if secret.strip())


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


class Config(ServiceConfig):
    """Survey service settings."""

    SERVICE_NAME = "survey"

    def load(self, env, prefix) -> None:
        self.METRICS_URL = self.service_url(env, "metrics")
        self.NOTIFIER_URL = self.service_url(env, "notifier")
        # CX_PUBLIC_BASE_URL, the old name of SURVEY_PUBLIC_BASE_URL, still works (deprecated): it
        # only ever meant the survey links customers open.
        if not env.get(prefix + "PUBLIC_BASE_URL") and env.get("CX_PUBLIC_BASE_URL"):
            self.PUBLIC_BASE_URL = env["CX_PUBLIC_BASE_URL"]
        self.SMTP_HOST = env.get(prefix + "SMTP_HOST") or None
        self.SMTP_PORT = int(env.get(prefix + "SMTP_PORT", "25"))
        self.SMTP_TIMEOUT_SECONDS = float(env.get(prefix + "SMTP_TIMEOUT_SECONDS", "10"))
        self.MAIL_FROM = env.get(prefix + "MAIL_FROM", "cxloop <surveys@cxloop.invalid>")
        self.MAIL_DIR = env.get(prefix + "MAIL_DIR") or str(Path(self.VAR_DIR) / "mail")
        # Link tokens are HMACs of a stored nonce under this secret: every process must share it.
        # A comma-separated list rotates it: the first secret signs new links, the others still
        # re-derive older ones (reminders). Unset: var/token-secret (make run keeps one there).
        self.TOKEN_SECRETS = _token_secrets(env.get(prefix + "TOKEN_SECRET"), Path(self.VAR_DIR))
        if not self.TOKEN_SECRETS:
            self.TOKEN_SECRETS = (self.SERVICE_KEY or _DEV_SECRET,)
            log.warning("SURVEY_TOKEN_SECRET is not set: survey links are signed with the %s",
                        "service key" if self.SERVICE_KEY else "development secret")
        self.TOKEN_SECRET = self.TOKEN_SECRETS[0]
        # Signs invitation webhooks. A comma-separated list rotates it: every secret listed signs each
        # message (Standard Webhooks carries several signatures), so receivers switch at their pace.
        self.WEBHOOK_SECRETS = tuple(part.strip() for part in env.get(prefix + "WEBHOOK_SECRET", "").split(",")
                                     if part.strip()) or (hmac.new(
            self.TOKEN_SECRET.encode(), b"webhook-signing", hashlib.sha256).hexdigest(),)
        self.WEBHOOK_SECRET = self.WEBHOOK_SECRETS[0]
        # Response webhooks: how long an endpoint's old secret keeps signing after a rotation, by default.
        self.WEBHOOK_ROTATION_OVERLAP_HOURS = float(env.get(prefix + "WEBHOOK_ROTATION_OVERLAP_HOURS", "24"))
        self.ALLOW_PRIVATE_WEBHOOKS = _flag(env.get(prefix + "ALLOW_PRIVATE_WEBHOOKS"))
        self.WEBHOOK_TIMEOUT_SECONDS = float(env.get(prefix + "WEBHOOK_TIMEOUT_SECONDS", "5"))
        # Response webhooks are retried for one to two days (26 to 51 hours with the jitter), so an
        # endpoint down for a night still gets its deliveries: 5 s doubling to 10 h between attempts.
        self.WEBHOOK_MAX_ATTEMPTS = int(env.get(prefix + "WEBHOOK_MAX_ATTEMPTS", "18"))
        self.WEBHOOK_BACKOFF_BASE_SECONDS = float(env.get(prefix + "WEBHOOK_BACKOFF_BASE_SECONDS", "5"))
        self.WEBHOOK_BACKOFF_CAP_SECONDS = float(env.get(prefix + "WEBHOOK_BACKOFF_CAP_SECONDS", "36000"))
        self.CONTACT_BUDGET_MAX = int(env.get(prefix + "CONTACT_BUDGET_MAX", "3"))
        self.CONTACT_BUDGET_DAYS = int(env.get(prefix + "CONTACT_BUDGET_DAYS", "30"))
        self.DEFAULT_TIME_ZONE = env.get(prefix + "DEFAULT_TIME_ZONE", "UTC")
        self.DELIVERY_MAX_ATTEMPTS = int(env.get(prefix + "DELIVERY_MAX_ATTEMPTS", "8"))
        self.DELIVERY_BACKOFF_SECONDS = float(env.get(prefix + "DELIVERY_BACKOFF_SECONDS", "30"))
        # How long a worker owns an invitation it is sending (no transaction is open while it sends).
        self.DISPATCH_LEASE_SECONDS = float(env.get(prefix + "DISPATCH_LEASE_SECONDS", "120"))
        self.DISPATCH_INTERVAL_SECONDS = float(env.get(prefix + "DISPATCH_INTERVAL_SECONDS", "1"))
        self.MATCH_INTERVAL_SECONDS = float(env.get(prefix + "MATCH_INTERVAL_SECONDS", "1"))
        # A score at or below these is low: it also goes to notifier for a close-the-loop notice.
        self.LOW_SCORES = {"nps": int(env.get(prefix + "LOW_SCORE_NPS", "6")),
                           "csat": int(env.get(prefix + "LOW_SCORE_CSAT", "2")),
                           "ces": int(env.get(prefix + "LOW_SCORE_CES", "3"))}
        # A low score from a link click (a GET, which mail scanners also make) is signalled once the
        # customer submits, or this long after the last answer; a submit signals at once.
        self.SIGNAL_SETTLE_MINUTES = float(env.get(prefix + "SIGNAL_SETTLE_MINUTES", "15"))
        self.SIGNAL_INTERVAL_SECONDS = float(env.get(prefix + "SIGNAL_INTERVAL_SECONDS", "30"))
        self.EXPIRY_INTERVAL_SECONDS = float(env.get(prefix + "EXPIRY_INTERVAL_SECONDS", "60"))
        # The response page's form body: a few long answers fit (2,000 Korean characters of one text
        # answer are about 18 KB url-encoded); anything larger is refused before it is parsed.
        self.PAGE_MAX_BODY_BYTES = int(env.get(prefix + "PAGE_MAX_BODY_BYTES", str(256 * 1024)))
        # Customer attributes that are personal data (shared.personal_data), one list for every service.
        self.PERSONAL_ATTRIBUTES = parse_personal_attributes(env.get(PERSONAL_SETTING))


class TestConfig(Config):
    """Settings for tests."""

    def load(self, env, prefix) -> None:
        super().load(env, prefix)
        self.TESTING = True
