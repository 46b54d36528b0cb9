"""Tables of the survey service (its own database), one module per concept."""

from __future__ import annotations

from services.survey.models.base import PLATFORM, Base
from services.survey.models.brand import Brand
from services.survey.models.customers import Customer, EventTypeCount, JourneyEvent
from services.survey.models.invitations import Invitation, InvitationDecision, find_invitation_by_token
from services.survey.models.responses import Response, ResponseNote, ResponseTag
from services.survey.models.settings import ContactSettings
from services.survey.models.surveys import Survey, SurveyVersion, Touchpoint
from services.survey.models.tracking import TrackingEventMapping, TrackingOrder, TrackingSource
from services.survey.models.triggers import Trigger
from services.survey.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = ["Base", "PLATFORM", "Brand", "Customer", "JourneyEvent", "Invitation", "InvitationDecision",
           "Response", "ContactSettings", "Survey", "SurveyVersion", "Touchpoint", "Trigger", "find_invitation_by_token"]
__all__ += ["WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
__all__ += ["TrackingEventMapping", "TrackingOrder", "TrackingSource"]
__all__ += ["ResponseNote", "ResponseTag", "EventTypeCount"]
