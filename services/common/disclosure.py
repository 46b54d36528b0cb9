"""The personal-data disclosure of the caller of this request (role and the service's settings)."""

from __future__ import annotations

from flask import current_app

from services.common.auth import current_principal
from shared.personal_data import DEFAULT_MIN_CELL_SIZE, Disclosure, parse_personal_attributes


def request_disclosure() -> Disclosure:
    """What the authenticated caller may see of customer attributes."""
    config = current_app.config
    names = config.get("PERSONAL_ATTRIBUTES")
    return Disclosure.for_role(current_principal().role,
                               parse_personal_attributes(None) if names is None else names,
                               int(config.get("MIN_CELL_SIZE", DEFAULT_MIN_CELL_SIZE)))
