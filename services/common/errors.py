"""One JSON error envelope for every error: domain errors, HTTP errors (404, 405, 413, ...) and crashes."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from flask_smorest import Api
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from services.common.exceptions import DomainError
from services.common.observability import current_request_id
from shared.errors import ErrorSchema, error_envelope

log = logging.getLogger("cxloop.errors")


def _reply(code: int, message: str | None, errors=None, headers=None):
    response = jsonify(error_envelope(code, message, errors, current_request_id()))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class EnvelopeApi(Api):
    """flask-smorest's Api, answering every HTTP error with the shared envelope."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):  # noqa: D401 - flask-smorest hook
        """Turn any ``HTTPException`` (including webargs' 422) into the envelope."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = dict(data.get("headers") or {})
        if error.code == 405:
            allow = dict(error.get_headers()).get("Allow")
            if allow:
                headers["Allow"] = allow
        code = error.code or 500
        message = data.get("message") or error.description
        if code == 422 and not data.get("message"):
            message = "the request did not pass validation; see errors"
        if isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled exception", exc_info=original)
            message = "internal error; the request id identifies it in the logs"
        return _reply(code, message, errors, headers)


def init_error_handlers(app: Flask) -> None:
    """Register the handlers that are not HTTP exceptions."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        headers = {"Retry-After": str(error.retry_after)} if getattr(error, "retry_after", None) else None
        return _reply(error.status_code, error.message, error.errors, headers)

    @app.errorhandler(DataError)
    def _unstorable(error: DataError):
        # The database refused a value that passed validation: a number beyond its column type, a
        # NUL character in text, ... That is bad input, not a server fault.
        log.info("value refused by the database: %s", getattr(error, "orig", error))
        return _reply(422, "a value in the request cannot be stored or looked up "
                           "(a number out of range, or a NUL character in text)")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return app.extensions["cx_api"].handle_http_exception(error)
        log.error("unhandled exception", exc_info=error)
        return _reply(500, "internal error; the request id identifies it in the logs")
