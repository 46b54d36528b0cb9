"""HTTP routes of the notifier service, one module per resource."""

from services.notifier.api.alerts import alerts_blp
from services.notifier.api.backtests import backtests_blp
from services.notifier.api.cases import cases_blp
from services.notifier.api.erasures import erasures_blp
from services.notifier.api.playbooks import playbooks_blp
from services.notifier.api.signals import signals_blp
from services.notifier.api.subscriptions import subscriptions_blp
from services.notifier.api.unsubscribe import unsubscribe_blp


def blueprints() -> list:
    """The service's API blueprints, registered by the app factory."""
    return [backtests_blp, subscriptions_blp, alerts_blp, signals_blp, erasures_blp, unsubscribe_blp, cases_blp,
            playbooks_blp]
