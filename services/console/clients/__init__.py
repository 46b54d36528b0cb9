"""Outbound HTTP from the console to the three services, one client per service.

Pages get them with ``service_clients()``; tests inject their own ``ServiceClients`` (for example
with ``httpx.WSGITransport`` onto in-process apps) through ``create_app(..., clients=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from flask import current_app

from services.console.clients.base import ClientSettings, ConsoleServiceError, ServiceDownError, ServiceRefusedError
from services.console.clients.metrics import MetricsClient
from services.console.clients.notifier import NotifierClient
from services.console.clients.survey import SurveyClient
from services.console.clients.together import ReadsTogether

__all__ = ["ServiceClients", "service_clients", "ConsoleServiceError", "ServiceDownError", "ServiceRefusedError"]


@dataclass
class ServiceClients:
    """The console's clients of survey, metrics and notifier."""

    survey: SurveyClient
    metrics: MetricsClient
    notifier: NotifierClient
    together: ReadsTogether = field(default_factory=lambda: ReadsTogether(workers=1))

    @classmethod
    def from_config(cls, config, *, transports: dict[str, httpx.BaseTransport] | None = None) -> "ServiceClients":
        """Clients for the configured URLs, console key and actor secret."""
        transports = transports or {}

        def settings(service: str, url: str) -> ClientSettings:
            return ClientSettings(service=service, base_url=url, api_key=config.CONSOLE_KEY,
                                  actor_secret=config.CONSOLE_ACTOR_SECRET, timeout=config.SERVICE_TIMEOUT_SECONDS,
                                  read_attempts=config.SERVICE_READ_ATTEMPTS,
                                  actor_lifetime=config.ACTOR_LIFETIME_SECONDS, transport=transports.get(service))

        return cls(survey=SurveyClient(settings("survey", config.SURVEY_URL)),
                   metrics=MetricsClient(settings("metrics", config.METRICS_URL)),
                   notifier=NotifierClient(settings("notifier", config.NOTIFIER_URL)),
                   together=ReadsTogether(workers=config.PARALLEL_READS))

    def by_service(self) -> dict[str, SurveyClient | MetricsClient | NotifierClient]:
        """The three clients by service name."""
        return {"survey": self.survey, "metrics": self.metrics, "notifier": self.notifier}

    def read_together(self, reads) -> dict:
        """A page's independent reads at once (see ``clients.together``): value or error, by name."""
        return self.together.run(reads)


def service_clients() -> ServiceClients:
    """The current app's clients."""
    return current_app.extensions["console_clients"]
