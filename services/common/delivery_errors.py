"""The one pair of delivery errors: for invitations (email, webhook) and outbox messages alike.

A ``DeliveryError`` is retried with backoff; a ``PermanentDeliveryError`` (a bad address, a refused
URL, a 4xx the receiver will repeat, a poison message) is not: the item is recorded as failed or
dead-lettered at once.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery failed; ``permanent`` ones are not retried."""

    permanent = False


class PermanentDeliveryError(DeliveryError):
    """A delivery that retrying cannot fix."""

    permanent = True
