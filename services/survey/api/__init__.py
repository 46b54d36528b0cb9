"""HTTP routes of the survey service, one module per resource."""


def blueprints() -> list:
    """The service's API blueprints, registered by the app factory."""
    return []
