"""HTTP routes of the survey service, one module per resource."""

from services.survey.api import (
    brand,
    contact_rules,
    customers,
    event_types,
    events,
    funnel,
    invitations,
    previews,
    response_page,
    response_triage,
    responses,
    surveys,
    tracking,
    tracking_settings,
    trigger_editor,
    triggers,
    unsubscribe,
    webhooks,
)


def blueprints() -> list:
    """The service's API blueprints, registered by the app factory."""
    return [surveys.blp, events.blp, triggers.blp, invitations.blp, customers.blp, unsubscribe.blp,
            responses.blp, response_page.response_page, event_types.blp, contact_rules.blp,
            previews.blp, previews.preview_page, brand.blp, webhooks.blp] + [tracking.blp, tracking_settings.blp, funnel.blp, response_triage.blp, trigger_editor.blp]
