"""Contact rule routes: the service-wide contact budget, readable by everyone who sees triggers.

The budget is set in configuration (``SURVEY_CONTACT_BUDGET_MAX`` / ``_DAYS``); no API changes it.
Each survey's recontact window is a field of the survey (``recontact_days``).
"""

from __future__ import annotations

from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.survey.api.context import rules
from shared.contracts.triggers import ContactRulesSchema

blp = ApiBlueprint("contact_rules", __name__, url_prefix="/v1", description="Contact rules")


@blp.route("/contact-rules")
class ContactRules(MethodView):
    @require_roles("marketer", "analyst")
    @blp.response(200, ContactRulesSchema)
    def get(self):
        """The contact budget and the default time zone of send windows (marketer, analyst)."""
        current = rules()
        return {"budget_max_contacts": current.policy.max_contacts, "budget_days": current.policy.days,
                "default_time_zone": current.default_time_zone, "budget_source": "configuration"}
