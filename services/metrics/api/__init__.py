"""HTTP routes of the metrics service, one module per resource."""


def blueprints() -> list:
    """The service's API blueprints, registered by the app factory."""
    from services.metrics.api.customers import customers_blp
    from services.metrics.api.drivers import drivers_blp
    from services.metrics.api.erasures import erasures_blp
    from services.metrics.api.finance import finance_blueprints
    from services.metrics.api.proportions import proportions_blp
    from services.metrics.api.scores import score_blueprints

    return [*score_blueprints(), *finance_blueprints(), erasures_blp, drivers_blp, customers_blp,
            proportions_blp]
