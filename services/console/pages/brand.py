"""``/settings/brand``: admins set the organisation's brand that customers see in invitation emails, on
the survey page and its thank-you page, and that team leads see in alert emails. The survey service
stores it, checks the colour's contrast and re-encodes the logo; this page puts its refusals next to
the fields and audits every change."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.forms import ActionForm, BrandForm
from services.console.pages.support import acting_actor, apply_errors, now, role_required, service_problem
from shared.contracts.brand import (
    AA_NON_TEXT,
    AA_TEXT,
    BLACK,
    HEX_COLOUR,
    LOGO_MAX_BYTES,
    LOGO_TYPES,
    WHITE,
    contrast_ratio,
)

brand_pages = Blueprint("brand", __name__, url_prefix="/settings/brand")
FIELDS = ("name", "primary_color", "sender_name", "sender_address", "reply_to")


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status == 403:
        abort(403)


def _form_data(brand: dict[str, Any] | None) -> dict[str, Any]:
    if not brand:
        return {}
    footer = brand.get("footer") or {}
    return {**{name: brand.get(name) for name in FIELDS}, "footer_ko": footer.get("ko"), "footer_en": footer.get("en")}


def _body(form: BrandForm) -> dict[str, Any]:
    footer = {language: text.strip() for language, text in (("ko", form.footer_ko.data), ("en", form.footer_en.data))
              if text and text.strip()}
    return {"name": form.name.data.strip(), "primary_color": form.primary_color.data.strip().lower(),
            "sender_name": form.sender_name.data.strip(), "sender_address": form.sender_address.data.strip(),
            "reply_to": (form.reply_to.data or "").strip() or None, "footer": footer}


def _colour_problem(colour: str) -> str:
    """Why the survey service refused ``colour``, in words (the ratios from ``shared.contracts.brand``)."""
    if not HEX_COLOUR.match(colour):
        return _("Write the colour as #rrggbb, for example #0b57d0.")
    return _("%(colour)s is too light or too weak: against the white page %(page).2f:1 (needs %(non_text).1f:1), "
             "text on it at best %(text).2f:1 (needs %(aa).1f:1). Choose a darker colour.", colour=colour,
             page=contrast_ratio(colour, WHITE), non_text=AA_NON_TEXT, aa=AA_TEXT,
             text=max(contrast_ratio(colour, WHITE), contrast_ratio(colour, BLACK)))


def _upload(form: BrandForm) -> dict[str, Any] | None:
    """Send the chosen logo, if any; None when there was none or it was refused (the error is on the field)."""
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    image = upload.read(LOGO_MAX_BYTES + 1)
    if len(image) > LOGO_MAX_BYTES:
        form.logo.errors = [_("The logo is larger than %(size)d KB.", size=LOGO_MAX_BYTES // 1024)]
        return None
    kind = upload.mimetype if upload.mimetype in LOGO_TYPES.values() else "application/octet-stream"
    try:
        return service_clients().survey.upload_logo(current_user, image, kind)
    except ServiceRefusedError as error:
        _refused_as_page(error)
        form.logo.errors = [_("The survey service refused this image: %(reason)s", reason=error.message)]
        return None


def _save(form: BrandForm, before: dict[str, Any] | None):
    body = _body(form)
    try:
        saved = service_clients().survey.set_brand(current_user, body)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        apply_errors(form, error)
        if form.primary_color.errors:  # the service's reason, in the person's language, from the same formula
            form.primary_color.errors = [_colour_problem(body["primary_color"])]
        return None, 422 if isinstance(error, ServiceRefusedError) else 503
    changed = sorted(name for name, value in body.items() if (before or {}).get(name) != value)
    logo = _upload(form)
    details = {"changed": changed, "logo": "uploaded" if logo else None}
    record_change(get_session(), actor=acting_actor(), now=now(), action="brand.changed", target="brand",
                  details=details)
    get_session().commit()
    if form.logo.errors:
        return saved, 422
    return saved, 302


@brand_pages.route("", methods=["GET", "POST"])
@role_required()
def edit():
    """The brand in force and the form that changes it, logo included."""
    try:
        brand, problem = service_clients().survey.get_brand(current_user), None
    except ConsoleServiceError as error:
        _refused_as_page(error)
        brand, problem = None, service_problem(error)
    form, status = BrandForm(data=_form_data(brand)), 200
    if form.validate_on_submit():
        saved, status = _save(form, brand)
        if status == 302:
            flash(_("The brand is saved. Emails and survey pages use it from now on."), "success")
            return redirect(url_for("brand.edit"))
        brand = saved or brand
    elif request.method == "POST":
        status = 422
    return render_template("pages/brand.html", form=form, brand=brand, problem=problem, action_form=ActionForm(),
                           logo_max_kb=LOGO_MAX_BYTES // 1024), status


@brand_pages.post("/logo/remove")
@role_required()
def remove_logo():
    """Remove the logo: emails and pages show the organisation's name instead (CSRF checked by CSRFProtect)."""
    try:
        service_clients().survey.delete_logo(current_user)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(url_for("brand.edit"))
    record_change(get_session(), actor=acting_actor(), now=now(), action="brand.logo_removed", target="brand")
    get_session().commit()
    flash(_("The logo is removed."), "success")
    return redirect(url_for("brand.edit"))
