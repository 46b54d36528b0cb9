"""HTML error pages: 400 (form expired), 403, 404, 405, 413, 429, 500, and 503 naming the service that is down."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from services.common.exceptions import DomainError
from services.console.clients import ServiceDownError, ServiceRefusedError
from services.console.pages.support import service_problem

log = logging.getLogger("cxloop.console.errors")

TITLES = {
    400: _l("This request could not be used"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This page does not take that request"),
    413: _l("What you sent is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("A service is not answering"),
}
TEXTS = {
    400: _l("Go back, reload the page and try again."),
    403: _l("Your role does not allow this. If you need it, ask an admin."),
    404: _l("Check the address, or start again from the overview."),
    405: _l("Start again from the overview."),
    413: _l("Send less at once."),
    429: _l("Wait a moment and try again."),
    500: _l("Try again. If it keeps happening, give an admin the request id below."),
}


def _page(code: int, text=None):
    return render_template("errors/error.html", code=code, title=TITLES.get(code, TITLES[500]),
                           text=text or TEXTS.get(code, TEXTS[500])), code


def init_error_pages(app: Flask) -> None:
    """Register the handlers: an HTML page for every error, never a stack trace, never a 500 for bad input."""

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _page(400, _l("The form had expired or came from elsewhere, so nothing was changed. "
                             "Reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return _page(error.code or 500)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return _page(error.status_code if error.status_code in TITLES else 400)

    @app.errorhandler(ServiceDownError)
    def _service_down(error: ServiceDownError):
        log.warning("service not answering: %s", error)
        return _page(503, service_problem(error))

    @app.errorhandler(ServiceRefusedError)
    def _service_refused(error: ServiceRefusedError):
        if error.status in (401, 403, 404):
            return _page(403 if error.status == 401 else error.status)
        return _page(400, service_problem(error))

    @app.errorhandler(Exception)
    def _crash(error: Exception):
        log.error("unhandled exception", exc_info=error)
        return _page(500)
