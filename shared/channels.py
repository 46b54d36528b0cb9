"""Channel types, each defined once: how survey sends an invitation, how a response came in, and how
notifier delivers an alert. Members are ``StrEnum``: the very strings stored and sent."""

from __future__ import annotations

from enum import StrEnum


class InvitationChannel(StrEnum):
    """How survey delivers an invitation."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    IN_APP = "in_app"


class ResponseChannel(StrEnum):
    """How a response came in: an invitation's channel, or ``link`` for anything else (a shared link)."""

    EMAIL = InvitationChannel.EMAIL.value
    WEBHOOK = InvitationChannel.WEBHOOK.value
    IN_APP = InvitationChannel.IN_APP.value
    LINK = "link"

    @classmethod
    def of_invitation(cls, channel: str | None) -> ResponseChannel:
        """The response channel of an invitation sent on ``channel`` (``link`` when it is no invitation channel)."""
        return cls(channel) if channel is not None and channel in InvitationChannel.__members__.values() else cls.LINK


class AlertChannelType(StrEnum):
    """How notifier delivers an alert or a close-the-loop notice."""

    EMAIL = "email"
    SLACK = "slack"
    WEBHOOK = "webhook"


#: Alert channels that post to a URL (and so need one).
URL_ALERT_CHANNELS: tuple[AlertChannelType, ...] = (AlertChannelType.SLACK, AlertChannelType.WEBHOOK)
