"""What routes take from the app: the clock's time and settings built from the config."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app, request

from services.common.exceptions import PayloadTooLargeError
from services.survey.planning import PlanningRules
from services.survey.runtime import planning_rules


def now() -> datetime:
    """The app clock's current time."""
    return current_app.extensions["clock"].now()


def rules() -> PlanningRules:
    """Contact rules from the app config."""
    return planning_rules(current_app.config)


def limit_body(max_bytes: int) -> Callable:
    """Answer 413 before parsing when the body is larger than ``max_bytes``."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            length = request.content_length
            if length is None:
                length = len(request.get_data(cache=True))
            if length > max_bytes:
                raise PayloadTooLargeError(f"the body is larger than {max_bytes} bytes")
            return view(*args, **kwargs)
        return wrapper
    return decorator
