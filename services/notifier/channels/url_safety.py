"""Webhook and Slack URLs of subscriptions: the shared outbound check (services/common/outbound.py)."""

from __future__ import annotations

from services.common.outbound import CheckedUrl, Resolver, UnsafeUrlError, system_resolver
from services.common.outbound import check_url as _check_url

__all__ = ["CheckedUrl", "UnsafeUrlError", "check_url", "system_resolver"]


def check_url(url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> CheckedUrl:
    """Raise ``UnsafeUrlError`` unless every address of the URL's host is public (or allowed loopback)."""
    return _check_url(url, allow_loopback=allow_loopback, resolver=resolver)
