"""``/settings/contact-rules``: admins set the contact budget (how often one customer may be asked, across
every survey) or go back to the survey service's configured one. The survey service stores and enforces it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from services.common.db import get_session
from services.console.audit import record_change
from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.forms import ActionForm, ContactBudgetForm
from services.console.pages.support import acting_actor, apply_errors, now, role_required, service_problem
from shared.contracts.triggers import MAX_BUDGET_CONTACTS, MAX_BUDGET_DAYS

contact_rules_pages = Blueprint("contact_rules", __name__, url_prefix="/settings/contact-rules")


def _refused_as_page(error: ConsoleServiceError) -> None:
    if isinstance(error, ServiceRefusedError) and error.status == 403:
        abort(403)


def _audit(action: str, before: dict | None, after: dict) -> None:
    def budget(rules: dict | None) -> str | None:
        return f"{rules['budget_max_contacts']} in {rules['budget_days']} days" if rules else None
    record_change(get_session(), actor=acting_actor(), now=now(), action=action, target="contact-rules",
                  details={"before": budget(before), "after": budget(after), "source": after["budget_source"]})
    get_session().commit()


@contact_rules_pages.route("", methods=["GET", "POST"])
@role_required()
def edit():
    """The budget in force, where it comes from, and the form that changes it."""
    survey, status = service_clients().survey, 200
    try:
        rules, problem = survey.contact_rules(current_user), None
    except ConsoleServiceError as error:
        _refused_as_page(error)
        rules, problem = None, service_problem(error)
    form = ContactBudgetForm(data=rules or {})
    if form.validate_on_submit():
        try:
            saved = survey.set_contact_budget(current_user, max_contacts=form.budget_max_contacts.data,
                                              days=form.budget_days.data)
        except ConsoleServiceError as error:
            _refused_as_page(error)
            apply_errors(form, error)
            status = 422 if isinstance(error, ServiceRefusedError) else 503
        else:
            _audit("contact_budget.changed", rules, saved)
            flash(_("Saved: each customer gets at most %(max)d surveys in %(days)d days.",
                    max=saved["budget_max_contacts"], days=saved["budget_days"]), "success")
            return redirect(url_for("contact_rules.edit"))
    elif request.method == "POST":
        status = 422
    return render_template("pages/contact_rules.html", form=form, rules=rules, problem=problem,
                           reset_form=ActionForm(), max_contacts=MAX_BUDGET_CONTACTS, max_days=MAX_BUDGET_DAYS), status


@contact_rules_pages.post("/reset")
@role_required()
def reset():
    """Forget the stored budget: the survey service's configured one applies again (CSRF checked by CSRFProtect)."""
    survey = service_clients().survey
    try:
        before = survey.contact_rules(current_user)
        after = survey.forget_contact_budget(current_user)
    except ConsoleServiceError as error:
        _refused_as_page(error)
        flash(service_problem(error), "error")
        return redirect(url_for("contact_rules.edit"))
    _audit("contact_budget.reset", before, after)
    flash(_("The configured budget applies again: %(max)d surveys in %(days)d days.",
            max=after["budget_max_contacts"], days=after["budget_days"]), "success")
    return redirect(url_for("contact_rules.edit"))
