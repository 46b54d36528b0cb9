"""Calls to URLs that users gave us (webhooks, Slack): refuse internal addresses (SSRF), at save time
and at send time, and connect to exactly the address that was checked.

Every address the host resolves to is checked, so numeric spellings the resolver accepts
(``2130706433``, ``0x7f.1``, ``0177.0.0.1``) and IPv6 forms that embed an IPv4 address (mapped
``::ffff:127.0.0.1``, compatible ``::7f00:1``, 6to4 ``2002:7f00:1::``, NAT64 ``64:ff9b::7f00:1``) are
caught as the IPv4 address they reach. Only globally routable addresses pass; loopback only when
explicitly allowed (local receivers in tests and demos). The request then goes to the checked IP with the original ``Host``
header and TLS server name, so a DNS answer that changes between check and connect (rebinding)
cannot redirect it inside. Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

Resolver = Callable[[str, int], list[str]]


class UnsafeUrlError(ValueError):
    """The URL may not be called."""


@dataclass(frozen=True)
class CheckedUrl:
    """A URL that passed the check, with the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (numeric forms included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrlError(f"cannot resolve {host!r}") from exc
    return [str(info[4][0]) for info in infos]


_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d (RFC 4291 2.5.5.1)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215): a site's own


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: mapped, compatible, 6to4 or NAT64; else None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:  # 2002:AABB:CCDD::/48 routes to A.B.C.D
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # not :: or ::1, which are their own
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _unsafe_reason(address: str, allow_loopback: bool) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return "local NAT64"
        inner = embedded_ipv4(ip)
        if inner is not None:  # judged as the IPv4 it reaches
            return _unsafe_reason(str(inner), allow_loopback)
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for name in ("is_private", "is_link_local", "is_reserved", "is_multicast", "is_unspecified"):
        if getattr(ip, name):
            return name[3:].replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def check_url(url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> CheckedUrl:
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
    return CheckedUrl(url=url, scheme=parts.scheme, host=parts.hostname, port=port,
                      address=addresses[0].split("%", 1)[0])


def post_pinned(client: httpx.Client, checked: CheckedUrl, *, content: bytes,
                headers: Mapping[str, str]) -> httpx.Response:
    """POST to the checked address itself, presenting the original host name (Host, TLS SNI)."""
    parts = urlsplit(checked.url)
    netloc = f"[{checked.address}]" if ":" in checked.address else checked.address
    pinned = urlunsplit((parts.scheme, f"{netloc}:{checked.port}", parts.path or "/", parts.query, ""))
    default_port = 443 if checked.scheme == "https" else 80
    host_header = checked.host if checked.port == default_port else f"{checked.host}:{checked.port}"
    extensions = {"sni_hostname": checked.host} if checked.scheme == "https" else {}
    return client.post(pinned, content=content, headers={**headers, "Host": host_header},
                       extensions=extensions)
