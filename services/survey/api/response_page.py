"""``/r/<token>``: the page a customer answers on (HTML, public, works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request, url_for

from services.common.db import get_session
from services.survey.brand.settings import brand_in_force
from services.survey.delivery.url_safety import UnsafeUrlError, check_webhook_url
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


REDIRECT_SECONDS = 5


def visitor_language() -> str:
    """``?lang=`` when the page speaks it, else the browser's preferred language the page speaks."""
    asked = request.args.get("lang")
    if asked in UI_LANGUAGES:
        return asked
    return request.accept_languages.best_match(UI_LANGUAGES, default="en")


@response_page.app_context_processor
def brand_context() -> dict:
    """The brand on every response page (live and preview) once an admin has set one."""
    brand = brand_in_force(get_session(), mail_from=current_app.config["MAIL_FROM"])
    if not brand.configured:
        return {"brand": None}
    return {"brand": brand, "brand_logo_url": url_for("brand.logo", v=(brand.logo_hash or "")[:16])
            if brand.logo_hash else None,
            "brand_theme_url": url_for("brand.theme", v=brand.primary_color.lstrip("#"))}


def _safe_redirect(url: str | None) -> str | None:
    """The survey's redirect after completion, checked as webhook URLs are (public https only)."""
    if not url:
        return None
    try:
        check_webhook_url(url, allow_private=current_app.config["ALLOW_PRIVATE_WEBHOOKS"])
    except UnsafeUrlError as exc:
        current_app.logger.warning("thank-you redirect refused: %s", exc)
        return None
    return url


def _render(view: PageView, token: str):
    if view.kind in ("neutral", "too_large") and request.args.get("lang") not in UI_LANGUAGES:
        view.language = visitor_language()
    template = "response/form.html" if view.kind == "form" else "response/message.html"
    context = page_context(view, url_for("response_page.answer", token=token, lang=request.args.get("lang")))
    if context.get("redirect_url"):
        context["redirect_url"] = _safe_redirect(context["redirect_url"])
    html = render_template(template, redirect_seconds=REDIRECT_SECONDS, **context)
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


@response_page.get("/r/")
@response_page.get("/r/<path:rest>")
def not_found(rest: str = ""):
    """Any other address under /r/: the same neutral page as an unknown link, in the visitor's language."""
    return _render(PageView(kind="neutral", status=404, language=visitor_language()), "-")


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
