"""Refuse webhook URLs that point at internal or private addresses (SSRF), at save and at send.

Every address the host resolves to is checked, so numeric spellings the resolver accepts
(``2130706433``, ``0x7f.1``, ``0177.0.0.1``) and IPv4-mapped IPv6 (``::ffff:127.0.0.1``) are caught
as what they are. Only globally routable addresses pass; loopback passes only when explicitly
allowed (``NOTIFIER_ALLOW_PRIVATE_WEBHOOKS=1``, for local receivers in tests and demos).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]


class UnsafeUrlError(ValueError):
    """The URL may not be called."""


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (numeric forms included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrlError(f"cannot resolve {host!r}") from exc
    return [info[4][0] for info in infos]


def _unsafe_reason(address: str, allow_loopback: bool) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for name in ("is_private", "is_link_local", "is_reserved", "is_multicast", "is_unspecified"):
        if getattr(ip, name):
            return name[3:].replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def check_url(url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> None:
    """Raise ``UnsafeUrlError`` unless every address of the URL's host is public (or allowed loopback)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrlError(f"malformed URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrlError("only http and https URLs are allowed")
    if not parts.hostname:
        raise UnsafeUrlError("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeUrlError("credentials in the URL are not allowed")
    addresses = resolver(parts.hostname, port)
    if not addresses:
        raise UnsafeUrlError(f"{parts.hostname!r} resolves to no address")
    for address in addresses:
        reason = _unsafe_reason(address, allow_loopback)
        if reason:
            raise UnsafeUrlError(f"{parts.hostname!r} resolves to a {reason} address ({address})")
