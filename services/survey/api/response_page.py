"""``/r/<token>``: the page a customer answers on (HTML, public, works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request, url_for

from services.common.db import get_session
from services.survey.responding.language import UI_LANGUAGES
from services.survey.responding.page import PageView, open_page, submit_page
from services.survey.responding.view import page_context
from services.survey.runtime import downstream_settings
from shared.question_types import UnknownQuestionTypeError

response_page = Blueprint("response_page", __name__)
SECURITY_HEADERS = {
    "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
}


def _render(view: PageView, token: str):
    if view.kind in ("neutral", "too_large") and not request.args.get("lang"):
        view.language = request.accept_languages.best_match(UI_LANGUAGES, default="en")
    template = "response/form.html" if view.kind == "form" else "response/message.html"
    html = render_template(template, **page_context(view, url_for("response_page.answer", token=token,
                                                                  lang=request.args.get("lang"))))
    response = make_response(html, view.status)
    response.headers.update(SECURITY_HEADERS)
    return response


@response_page.errorhandler(UnknownQuestionTypeError)
def unsupported_question(error: UnknownQuestionTypeError):
    """A stored survey with a question type this build does not know: a clear page (503), never a 500.

    Nothing is stored: the request's transaction is rolled back when the session closes.
    """
    current_app.logger.error("response page: %s", error)
    language = request.args.get("lang") or request.accept_languages.best_match(UI_LANGUAGES, default="en")
    return _render(PageView(kind="unsupported", status=503, language=language), request.view_args["token"])


@response_page.get("/r/<token>")
def answer(token: str):
    """Show the survey; ``?score=N&q=<key>`` from an email records that score at once."""
    view = open_page(get_session(), token, now=current_app.extensions["clock"].now(),
                     settings=downstream_settings(current_app.config), lang=request.args.get("lang"),
                     score=request.args.get("score"), question_key=request.args.get("q"))
    return _render(view, token)


@response_page.post("/r/<token>")
def submit(token: str):
    """Store the answers; completes the response or shows what to fix, keeping what was entered.

    A body over ``PAGE_MAX_BODY_BYTES`` is refused (413) before it is parsed, and nothing is stored.
    """
    limit = current_app.config["PAGE_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        return _render(PageView(kind="too_large", status=413), token)
    request.max_content_length = limit  # a body without a length is cut at the same size (413)
    form = {key: request.form.getlist(key) for key in request.form}
    view = submit_page(get_session(), token, form, now=current_app.extensions["clock"].now(),
                       settings=downstream_settings(current_app.config), lang=request.args.get("lang"))
    return _render(view, token)
