"""Score routes: responses in, scores, comparisons, voice of the customer."""


def score_blueprints() -> list:
    """Blueprints of the scores API."""
    return []
