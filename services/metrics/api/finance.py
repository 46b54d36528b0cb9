"""Finance routes: transactions, contracts, churn, retention, CLV."""


def finance_blueprints() -> list:
    """Blueprints of the finance API."""
    return []
