"""The navigation: one registry of pages, who sees them, and what the overview says about them.

A new page adds one ``NavItem`` here; the layout's menu and the overview's cards read this list.
Hiding a link is a courtesy: the services enforce what each role may do.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

EVERYONE = ("admin", "marketer", "analyst", "finance", "team_lead")
FINANCE = ("admin", "finance", "analyst")  # the roles metrics lets read churn and CLV


@dataclass(frozen=True)
class NavItem:
    """One page in the menu: its endpoint, label, the roles that see it and a one-line description."""

    endpoint: str
    label: object  # a lazy translated string
    roles: tuple[str, ...]
    description: object
    section: str = "work"  # "work" (menu; "finance" groups the finance pages in it) or "settings" (after a divider)


NAV_ITEMS: list[NavItem] = [
    NavItem("overview.index", _l("Overview"), EVERYONE, _l("Where to start, by role.")),
    NavItem("scores_explorer.explore", _l("Scores explorer"), EVERYONE,
            _l("Any score by any grouping and filter, as a chart and a table you can bookmark.")),
    NavItem("surveys.index", _l("Surveys"), ("admin", "marketer", "analyst"),
            _l("Design bilingual surveys, preview them and publish versions.")),
    NavItem("triggers.index", _l("Triggers"), ("admin", "marketer", "analyst"),
            _l("Which journey event asks which survey, when, how, and a dry run on a real event.")),
    NavItem("responses.index", _l("Responses"), ("admin", "marketer", "analyst"),
            _l("Every answer with its score and comment: search, triage, exclude test answers, export.")),
    NavItem("invitations.index", _l("Send log"), ("admin", "marketer", "analyst"),
            _l("Every invitation with its status, and why it was held or not sent.")),
    NavItem("cases.index", _l("Cases"), ("admin", "team_lead"),
            _l("Low scores to follow up: acknowledge, assign, note and resolve them before their target time.")),
    NavItem("alerts.index", _l("Alerts"), ("admin", "team_lead"),
            _l("Score-drop and threshold alerts: build a rule, backtest it on past weeks, mute it, see why it fired.")),
    NavItem("finance_retention.retention", _l("Retention"), FINANCE,
            _l("Contract retention by cohort with intervals, the sBG projection and churn per period."),
            section="finance"),
    NavItem("finance_clv.index", _l("Customer lifetime value"), FINANCE,
            _l("CLV per segment and customer with intervals, refits, exports and a holdout check of the model."),
            section="finance"),
    NavItem("users.index", _l("People"), ("admin",), _l("Who signs in, their role, language and time zone."),
            section="settings"),
    NavItem("keys.index", _l("API keys"), ("admin",), _l("Keys for systems that call the APIs."),
            section="settings"),
    NavItem("brand.edit", _l("Brand"), ("admin",),
            _l("The logo, colour, sender and footer customers see."), section="settings"),
    NavItem("contact_rules.edit", _l("Contact rules"), ("admin",),
            _l("How often one customer may be asked, across every survey."), section="settings"),
    NavItem("playbooks.index", _l("Playbooks"), ("admin", "marketer"),
            _l("What to do when a low score opens a case, per touchpoint and segment."), section="settings"),
    NavItem("audit.index", _l("Audit log"), ("admin",), _l("Every change made through the console."),
            section="settings"),
    NavItem("preferences.edit", _l("My preferences"), EVERYONE, _l("Your language and time zone."),
            section="settings"),
]


def items_for(role: str) -> list[NavItem]:
    """The pages ``role`` sees, in menu order."""
    return [item for item in NAV_ITEMS if role in item.roles]


NAV_CACHE_SIZE = 1024  # far above roles x languages x sections; a bound all the same


def site_nav(role: str) -> Markup:
    """The layout's menu for ``role`` on this request's page (``site_nav.html``), drawn once per app,
    role, language, path prefix and current section, and kept: every page shows it, nothing else
    changes it, and drawing it (a dozen links and labels) was a tenth of a short page's time."""
    section = request.endpoint.split(".")[0] if request.endpoint else None
    key = (role, str(get_locale() or ""), request.script_root, section)
    drawn: dict[tuple[str, str, str, str | None], Markup] = current_app.extensions.setdefault("console_site_nav", {})
    menu = drawn.get(key)
    if menu is None:
        if len(drawn) >= NAV_CACHE_SIZE:
            drawn.clear()
        menu = drawn[key] = Markup(render_template("site_nav.html", items=items_for(role), current_section=section))
    return menu
