"""Settings objects the use cases need, built from the service configuration (app or worker)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from services.survey.contact_rules import ContactPolicy
from services.survey.dispatch import DispatchSettings
from services.survey.planning import PlanningRules
from services.survey.responding.downstream import DownstreamSettings


def planning_rules(config: Mapping[str, Any]) -> PlanningRules:
    """Contact budget and default time zone."""
    return PlanningRules(policy=ContactPolicy(max_contacts=config["CONTACT_BUDGET_MAX"],
                                              days=config["CONTACT_BUDGET_DAYS"]),
                         default_time_zone=config["DEFAULT_TIME_ZONE"])


def dispatch_settings(config: Mapping[str, Any]) -> DispatchSettings:
    """Everything delivery needs besides senders and the database."""
    return DispatchSettings(public_base_url=config["PUBLIC_BASE_URL"], token_secret=config["TOKEN_SECRETS"],
                            rules=planning_rules(config), max_attempts=config["DELIVERY_MAX_ATTEMPTS"],
                            backoff_seconds=config["DELIVERY_BACKOFF_SECONDS"],
                            lease=timedelta(seconds=config["DISPATCH_LEASE_SECONDS"]))


def downstream_settings(config: Mapping[str, Any]) -> DownstreamSettings:
    """Link base of the response page, the low-score thresholds (at or below is low), the settle time."""
    return DownstreamSettings(public_base_url=config["PUBLIC_BASE_URL"], low_scores=dict(config["LOW_SCORES"]),
                              signal_settle=timedelta(minutes=config["SIGNAL_SETTLE_MINUTES"]))
