"""Survey previews: a signed link (``/v1/surveys/{id}/preview-link``, whoever may read surveys) and the page it opens
(``/r/preview/<token>``): the real response page templates, marked as a preview, recording nothing."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.api.context import now
from services.survey.api.response_page import SECURITY_HEADERS
from services.survey.exceptions import SurveyNotFoundError, SurveyVersionNotFoundError
from services.survey.previews import PreviewLinkError, make_preview_link, preview_definition, read_preview_token
from services.survey.responding.forms import read_answers
from services.survey.responding.language import UI_LANGUAGES
from services.survey.responding.page import PageView
from services.survey.responding.view import page_context
from services.survey.survey_definition import pick_language
from shared.contracts.survey_previews import PreviewLinkArgsSchema, PreviewLinkSchema
from shared.question_types import UnknownQuestionTypeError

blp = ApiBlueprint("survey_previews", __name__, url_prefix="/v1", description="Survey previews")
preview_page = Blueprint("preview_page", __name__)


@blp.route("/surveys/<int:survey_id>/preview-link")
class SurveyPreviewLink(MethodView):
    @require_roles("marketer", "analyst")
    @blp.arguments(PreviewLinkArgsSchema, location="query")
    @blp.response(200, PreviewLinkSchema)
    def get(self, args, survey_id):
        """A signed link (30 minutes) to the real response page showing the draft or a version; it records nothing (marketer, analyst)."""
        link = make_preview_link(get_session(), survey_id=survey_id, version=args["version"],
                                 frame_ancestor=args["frame_ancestor"],
                                 secret=current_app.config["TOKEN_SECRET"], now=now())
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        return {"url": base + url_for("preview_page.show", token=link.token), "survey_id": link.survey_id,
                "version": link.version, "expires_at": link.expires_at}


def _headers(frame_ancestor: str | None) -> dict[str, str]:
    """The response page's headers, except that the origin signed into the link may frame it."""
    headers = dict(SECURITY_HEADERS)
    if frame_ancestor:
        # Browsers ignore X-Frame-Options when the CSP names frame-ancestors; SAMEORIGIN keeps old ones safe.
        headers["X-Frame-Options"] = "SAMEORIGIN"
        headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
            "frame-ancestors 'none'", f"frame-ancestors {frame_ancestor}")
    return headers


def _reply(view: PageView, token: str, frame_ancestor: str | None, *, checked: bool = False):
    context = page_context(view, url_for("preview_page.check", token=token, lang=request.args.get("lang")))
    if view.kind == "thanks":
        context["body"] = context["m"]["preview_checked"]
    template = "response/form.html" if view.kind == "form" else "response/message.html"
    html = render_template(template, preview=True, **context)
    response = make_response(html, view.status)
    response.headers.update(_headers(frame_ancestor))
    return response


def _open(token: str):
    """The target and definition of a token, or a neutral 404 view (expired, forged, gone)."""
    try:
        target = read_preview_token(token, secrets=current_app.config["TOKEN_SECRETS"], now=now())
        return target, preview_definition(get_session(), target)
    except (PreviewLinkError, SurveyNotFoundError, SurveyVersionNotFoundError):
        return None, None


def _language(definition: dict) -> str:
    return pick_language(definition, request.args.get("lang") or
                         request.accept_languages.best_match(UI_LANGUAGES, default="en"))


@preview_page.get("/r/preview/<token>")
def show(token: str):
    """The survey as a customer would see it, marked as a preview."""
    target, definition = _open(token)
    if definition is None:
        return _reply(PageView(kind="neutral", status=404, language=request.args.get("lang") or "en"), token, None)
    try:
        return _reply(PageView(kind="form", language=_language(definition), definition=definition), token,
                      target.frame_ancestor)
    except UnknownQuestionTypeError:
        return _reply(PageView(kind="unsupported", status=503), token, target.frame_ancestor)


@preview_page.post("/r/preview/<token>")
def check(token: str):
    """Check the answers with the page's own rules and show the outcome; nothing is stored or sent."""
    target, definition = _open(token)
    if definition is None:
        return _reply(PageView(kind="neutral", status=404, language=request.args.get("lang") or "en"), token, None)
    form = {key: request.form.getlist(key) for key in request.form}
    answers, errors, refused = read_answers(definition["questions"], form)
    language = _language(definition)
    if errors:
        return _reply(PageView(kind="form", status=422, language=language, definition=definition,
                               answers={**answers, **refused}, errors=errors), token, target.frame_ancestor)
    return _reply(PageView(kind="thanks", language=language, definition=definition), token, target.frame_ancestor)
