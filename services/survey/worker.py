"""Worker process of the survey service: `python -m services.survey.worker`.

Jobs: match new journey events to triggers, deliver due invitations, send reminders, expire old
invitations, send the low-score signals of link clicks once their settle time passed, plus the
platform heartbeat and outbox relay. Every job claims its rows from the database, so several
workers on PostgreSQL are safe.
"""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from services.common.clock import SystemClock
from services.common.db import make_engine
from services.common.observability import configure_logging
from services.common.outbox import RetryPlan
from services.common.worker import Job, platform_jobs, run_worker
from services.survey.clients.downstream import by_topic, erasure_handler, metrics_handler, notifier_handler
from services.survey.clients.transactions import transactions_handler
from services.survey.config import Config
from services.survey.delivery.mail import FileMailer, SmtpMailer
from services.survey.delivery.webhook import WebhookSender, in_app_sender
from services.survey.dispatch import Sender, dispatch_due
from services.survey.lifecycle import expire_invitations, remind_next
from services.survey.matching import match_pending_events
from services.survey.models import PLATFORM
from services.survey.responding.signals import send_settled_signals
from services.survey.runtime import dispatch_settings, downstream_settings, planning_rules
from services.survey.webhooks.emission import DESTINATION as WEBHOOKS_DESTINATION
from services.survey.webhooks.sending import SendSettings, webhook_handler
from shared.backoff import Backoff
from shared.channels import InvitationChannel
from shared.http_client import RetryPolicy, ServiceClient


def build_senders(config: Config) -> dict[str, Sender]:
    """One sender per channel: SMTP when configured, else .eml files; signed webhooks; in-app."""
    if config.SMTP_HOST:
        mailer: Sender = SmtpMailer(config.SMTP_HOST, config.SMTP_PORT, sender=config.MAIL_FROM,
                                    timeout=config.SMTP_TIMEOUT_SECONDS)
    else:
        mailer = FileMailer(config.MAIL_DIR, sender=config.MAIL_FROM)
    webhook = WebhookSender(secret=config.WEBHOOK_SECRETS, allow_private=config.ALLOW_PRIVATE_WEBHOOKS,
                            timeout=config.WEBHOOK_TIMEOUT_SECONDS)
    return {InvitationChannel.EMAIL: mailer, InvitationChannel.WEBHOOK: webhook,
            InvitationChannel.IN_APP: in_app_sender}


def downstream_handlers(config: Config) -> dict:
    """Outbox handlers: responses and order transactions to metrics, low-score signals to notifier,
    erasures to both (service key, timeouts)."""
    def client(url: str) -> ServiceClient:
        return ServiceClient(url, api_key=config.SERVICE_KEY, timeout=config.HTTP_TIMEOUT_SECONDS,
                             retry=RetryPolicy(max_attempts=2), user_agent="cxloop-survey-worker")

    metrics, notifier = client(config.METRICS_URL), client(config.NOTIFIER_URL)
    return {"metrics": by_topic({"response": metrics_handler(metrics), "erasure": erasure_handler(metrics),
                                 "transaction": transactions_handler(metrics)}),
            "notifier": by_topic({"signal": notifier_handler(notifier), "erasure": erasure_handler(notifier)})}


def build_jobs(config: Config, engine, clock=None, senders: dict[str, Sender] | None = None) -> list[Job]:
    """The jobs this worker runs."""
    clock = clock or SystemClock()
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    settings_map = vars(config)
    rules, settings = planning_rules(settings_map), dispatch_settings(settings_map)
    signal_settings = downstream_settings(settings_map)
    senders = senders or build_senders(config)

    def match() -> None:
        for _ in range(20):
            with sessions() as session:
                if match_pending_events(session, now=clock.now(), rules=rules,
                                        token_secret=config.TOKEN_SECRET).events == 0:
                    return

    def dispatch() -> None:
        dispatch_due(sessions, now_fn=clock.now, settings=settings, senders=senders)

    def remind() -> None:
        for _ in range(200):
            with sessions() as session:
                if remind_next(session, now=clock.now(), settings=settings, senders=senders) is None:
                    return

    def expire() -> None:
        with sessions() as session:
            expire_invitations(session, now=clock.now())

    def settle() -> None:
        for _ in range(100):
            with sessions() as session:
                if send_settled_signals(session, now=clock.now(), settings=signal_settings) < 100:
                    return

    webhook_retries = webhook_retry_plan(config)
    hooks = webhook_handler(engine, SendSettings(timeout=config.WEBHOOK_TIMEOUT_SECONDS,
                                                 allow_private=config.ALLOW_PRIVATE_WEBHOOKS,
                                                 max_attempts=webhook_retries.max_attempts), now_fn=clock.now)
    handlers = {**downstream_handlers(config), WEBHOOKS_DESTINATION: hooks}  # response webhooks
    jobs = platform_jobs("survey", config, engine, PLATFORM, handlers, clock,
                         retries={WEBHOOKS_DESTINATION: webhook_retries})
    return jobs + [Job("match_events", match, config.MATCH_INTERVAL_SECONDS),
                   Job("dispatch_invitations", dispatch, config.DISPATCH_INTERVAL_SECONDS),
                   Job("send_reminders", remind, config.DISPATCH_INTERVAL_SECONDS),
                   Job("expire_invitations", expire, config.EXPIRY_INTERVAL_SECONDS),
                   Job("send_settled_signals", settle, config.SIGNAL_INTERVAL_SECONDS)]


def webhook_retry_plan(config) -> RetryPlan:
    """How long response webhooks are retried (``SURVEY_WEBHOOK_MAX_ATTEMPTS``, ``..._BACKOFF_*``)."""
    return RetryPlan(config.WEBHOOK_MAX_ATTEMPTS,
                     Backoff(config.WEBHOOK_BACKOFF_BASE_SECONDS, config.WEBHOOK_BACKOFF_CAP_SECONDS))


def main() -> None:
    """Start the scheduler (blocks until SIGTERM)."""
    config = Config()
    configure_logging("survey-worker", config.LOG_LEVEL)
    run_worker("survey", build_jobs(config, make_engine(config.DATABASE_URL)))


if __name__ == "__main__":
    main()
