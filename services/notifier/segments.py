"""Whether a customer is in a segment (``attribute:value``): the one rule subscriptions and playbooks use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def segment_matches(segments: Iterable[str], attributes: dict[str, Any]) -> bool:
    """True when the customer's attributes are in every attribute's segments (``region:Seoul``; values
    of one attribute are alternatives, different attributes must all match)."""
    wanted: dict[str, set[str]] = {}
    for item in segments:
        attribute, _, value = item.partition(":")
        wanted.setdefault(attribute, set()).add(value)
    return all(str(attributes.get(a)) in values for a, values in wanted.items())
