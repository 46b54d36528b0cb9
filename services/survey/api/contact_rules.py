"""Contact rule routes: the service-wide contact budget, readable by everyone who sees triggers and
set by admins.

The budget in force is the stored one once an admin has set it, else the configured one
(``SURVEY_CONTACT_BUDGET_MAX`` / ``_DAYS``); ``DELETE`` goes back to configuration. Planning and
dispatch read it when they decide, so a change applies to the next decision. Each survey's recontact
window is a field of the survey (``recontact_days``).
"""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey.api.context import now, rules
from services.survey.contact_rules import BudgetInForce, ContactPolicy, budget_in_force, forget_budget, store_budget
from shared.contracts.triggers import ContactBudgetSchema, ContactRulesSchema

blp = ApiBlueprint("contact_rules", __name__, url_prefix="/v1", description="Contact rules")


def contact_rules_reply(budget: BudgetInForce | None = None) -> dict:
    """The contact rules in force, as ``ContactRulesSchema`` answers them (``budget``: when already read)."""
    configured = rules()
    budget = budget or budget_in_force(get_session(), configured.policy)
    return {"budget_max_contacts": budget.policy.max_contacts, "budget_days": budget.policy.days,
            "default_time_zone": configured.default_time_zone, "budget_source": budget.source,
            "updated_at": budget.updated_at, "updated_by": budget.updated_by}


@blp.route("/contact-rules")
class ContactRules(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, ContactRulesSchema)
    def get(self):
        """The contact budget in force, where it comes from, and the default time zone of send windows
        (marketer, analyst)."""
        return contact_rules_reply()

    @require_roles()
    @blp.arguments(ContactBudgetSchema)
    @blp.response(200, ContactRulesSchema)
    def put(self, body):
        """Set the contact budget; it applies to the next planning or dispatch decision (admin)."""
        store_budget(get_session(), ContactPolicy(max_contacts=body["budget_max_contacts"], days=body["budget_days"]),
                     by=current_principal().subject, now=now())
        return contact_rules_reply()

    @require_roles()
    @blp.response(200, ContactRulesSchema)
    def delete(self):
        """Forget the stored budget: the configured one applies again (admin)."""
        forget_budget(get_session())
        return contact_rules_reply()
