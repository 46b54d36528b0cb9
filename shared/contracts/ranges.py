"""Date ranges in queries are ``from`` and ``to`` everywhere; older names keep working, deprecated.

A schema declares the new name (``data_key="from"``) and the old one as a field whose attribute ends
in ``_deprecated`` and whose metadata says ``deprecated`` (so the OpenAPI document marks it), then
calls :func:`use_current_name` in a ``post_load``. The use case only ever sees the new name's value.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

DEPRECATED_SUFFIX = "_deprecated"


def deprecated_metadata(current: str) -> dict[str, Any]:
    """Field metadata of a parameter's old name: marked deprecated in the OpenAPI document."""
    return {"deprecated": True, "description": f"deprecated name of `{current}` (use `{current}`)"}


def use_current_name(data: dict[str, Any], attribute: str, *, current: str, old: str,
                     required: bool = False) -> None:
    """Move the old name's value to ``attribute`` (the new name's); both given and different, or
    neither given when ``required``, is a validation error keyed by the parameter's public name."""
    old_value = data.pop(attribute + DEPRECATED_SUFFIX, None)
    value = data.get(attribute)
    if old_value is not None:
        if value is not None and value != old_value:
            raise ValidationError(f"give `{current}` or its deprecated name `{old}`, not both", current)
        data[attribute] = value = old_value
    if required and value is None:
        raise ValidationError("Missing data for required field.", current)
