"""The console's pages: one module per area, each a Flask blueprint of thin routes.

A route reads a form, calls one use case or one client method, and renders a template; errors from
the services come back as ``ServiceDownError`` / ``ServiceRefusedError`` (see ``support``).
"""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """Every page blueprint, registered by ``create_app``."""
    from services.console.pages.alert_actions import alert_actions_pages
    from services.console.pages.alert_builder import alert_builder_pages
    from services.console.pages.alerts import alerts_pages
    from services.console.pages.audit import audit_pages
    from services.console.pages.auth import auth_pages
    from services.console.pages.brand import brand_pages
    from services.console.pages.cases import cases_pages
    from services.console.pages.chart_assets import chart_assets
    from services.console.pages.contact_rules import contact_rules_pages
    from services.console.pages.customers import customers_pages
    from services.console.pages.finance_clv import finance_clv_pages
    from services.console.pages.finance_holdout import finance_holdout_pages
    from services.console.pages.finance_retention import finance_retention_pages
    from services.console.pages.invitations import invitations_pages
    from services.console.pages.keys import keys_pages
    from services.console.pages.overview import overview_pages
    from services.console.pages.playbooks import playbooks_pages
    from services.console.pages.preferences import preferences_pages
    from services.console.pages.responses import responses_pages
    from services.console.pages.scores_explorer import scores_explorer_pages
    from services.console.pages.survey_summary import survey_summary_pages
    from services.console.pages.surveys import surveys_pages
    from services.console.pages.triggers import triggers_pages
    from services.console.pages.users import users_pages

    return [auth_pages, overview_pages, users_pages, keys_pages, audit_pages, preferences_pages,
            surveys_pages, triggers_pages, invitations_pages, contact_rules_pages,
            customers_pages, chart_assets, survey_summary_pages, responses_pages, scores_explorer_pages, brand_pages,
            cases_pages, playbooks_pages, finance_retention_pages, finance_clv_pages, finance_holdout_pages,
            alerts_pages, alert_builder_pages, alert_actions_pages]
