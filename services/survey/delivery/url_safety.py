"""Webhook URLs are untrusted: http(s) only, no credentials, no private or special addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrlError(ValueError):
    """The URL may not be called."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified or not address.is_global)


def check_webhook_url(url: str, *, allow_private: bool, resolve=socket.getaddrinfo) -> None:
    """Raise ``UnsafeUrlError`` unless the URL is http(s) without credentials to public addresses."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrlError(f"not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrlError("only http and https URLs are allowed")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError("URLs with credentials are not allowed")
    if not parts.hostname:
        raise UnsafeUrlError("the URL has no host")
    if allow_private:
        return
    try:
        infos = resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                        proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrlError(f"cannot resolve host '{parts.hostname}'") from exc
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not addresses or not all(_is_public(address) for address in addresses):
        raise UnsafeUrlError(f"host '{parts.hostname}' resolves to a private or reserved address")
