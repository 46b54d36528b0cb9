"""Brand routes: admins set the brand and upload its logo; everyone (mail clients, the response page)
may fetch the logo at ``/brand/logo`` without a key."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.api.context import limit_body, now
from services.survey.brand.logo import read_logo, remove_logo, store_logo
from services.survey.brand.settings import LOGO_PATH, BrandView, brand_in_force, store_brand
from shared.contracts.brand import LOGO_MAX_BYTES, BrandSchema, BrandUpdateSchema

blp = ApiBlueprint("brand", __name__, description="Brand: name, logo, colour, sender and footer of "
                                                  "invitation emails and the response page")


def brand_reply(brand: BrandView) -> dict:
    """The reply body of the brand routes."""
    return {"configured": brand.configured, "name": brand.name, "primary_color": brand.primary_color,
            "text_on_primary": brand.text_on_primary, "sender_name": brand.sender_name,
            "sender_address": brand.sender_address, "reply_to": brand.reply_to, "footer": brand.footer,
            "logo_url": brand.logo_url(current_app.config["PUBLIC_BASE_URL"]), "logo_width": brand.logo_width,
            "logo_height": brand.logo_height, "updated_at": brand.updated_at}


def _current() -> dict:
    return brand_reply(brand_in_force(get_session(), mail_from=current_app.config["MAIL_FROM"]))


@blp.route("/v1/brand")
class BrandSettings(MethodView):
    @require_roles("marketer", "analyst", "service")
    @blp.response(200, BrandSchema)
    def get(self):
        """The brand in force (the defaults while none is set) (marketer, analyst; service: the notifier
        puts it on alert emails)."""
        return _current()

    @require_roles()
    @blp.arguments(BrandUpdateSchema)
    @blp.response(200, BrandSchema)
    def put(self, body):
        """Set the brand; the primary colour is refused (422, with the ratios) below WCAG AA (admin)."""
        store_brand(get_session(), body, by=current_principal().subject, now=now())
        return _current()


@blp.route("/v1/brand/logo")
class BrandLogo(MethodView):
    @require_roles()
    @blp.response(200, BrandSchema)
    @limit_body(LOGO_MAX_BYTES)
    def put(self):
        """Upload the logo as the raw body (``Content-Type: image/png`` or ``image/jpeg``, at most 512 KB);
        it is re-encoded, scaled into 480x160 px; SVG and other formats are refused (admin)."""
        store_logo(get_session(), request.get_data(cache=True), by=current_principal().subject, now=now())
        return _current()

    @require_roles()
    @blp.response(200, BrandSchema)
    def delete(self):
        """Remove the logo; emails and pages show the brand's name instead (admin)."""
        remove_logo(get_session(), by=current_principal().subject, now=now())
        return _current()


@blp.route(LOGO_PATH, methods=["GET"])
def logo() -> Response:
    """The brand's logo, public (mail clients and the response page load it); 404 when there is none."""
    content, content_type, digest = read_logo(get_session())
    response = Response(content, mimetype=content_type)
    response.set_etag(digest)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@blp.route("/brand/theme.css", methods=["GET"])
def theme() -> Response:
    """The brand's colours as CSS custom properties for the response page (a file, for the strict CSP)."""
    brand = brand_in_force(get_session(), mail_from=current_app.config["MAIL_FROM"])
    css = f":root {{ --accent: {brand.primary_color}; --accent-ink: {brand.text_on_primary}; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
