"""Finance routes: transactions, contracts, churn, retention, CLV."""


def finance_blueprints() -> list:
    """Blueprints of the finance API."""
    from services.metrics.api.churn import churn_blueprint
    from services.metrics.api.clv import clv_blueprint
    from services.metrics.api.clv_holdout import clv_holdout_blueprint
    from services.metrics.api.contracts import contracts_blueprint
    from services.metrics.api.transactions import transactions_blueprint

    return [transactions_blueprint, contracts_blueprint, churn_blueprint, clv_blueprint,
            clv_holdout_blueprint]
