"""HTTP routes of the metrics service, one module per resource."""


def blueprints() -> list:
    """The service's API blueprints, registered by the app factory."""
    return []
