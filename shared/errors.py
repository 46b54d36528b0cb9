"""The one JSON error envelope of every cxloop service.

``{"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {...}}``
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from marshmallow import fields

from shared.contracts.base import ReplySchema


class ErrorSchema(ReplySchema):
    """The error envelope."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for a person"})
    errors = fields.Dict(required=True, metadata={"description": "Field-level details, e.g. validation errors; "
                                                          "an empty object when there is nothing to add"})
    request_id = fields.String(metadata={"description": "Id of the request, as in the logs"})


def error_envelope(code: int, message: str | None = None, errors: Any = None,
                   request_id: str | None = None) -> dict[str, Any]:
    """Build the error envelope for an HTTP status code."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    # ``errors`` is always an object, empty when there is nothing to add, so clients need no special case.
    body: dict[str, Any] = {"code": code, "status": phrase, "message": message or phrase,
                            "errors": errors if isinstance(errors, dict) else ({"detail": errors} if errors else {})}
    if request_id:
        body["request_id"] = request_id
    return body
