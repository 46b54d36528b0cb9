"""Webhook URLs of triggers are untrusted: the shared outbound check (services/common/outbound.py)."""

from __future__ import annotations

import socket

from services.common.outbound import CheckedUrl, UnsafeUrlError, check_url

__all__ = ["CheckedUrl", "UnsafeUrlError", "check_webhook_url"]


def check_webhook_url(url: str, *, allow_private: bool, resolve=socket.getaddrinfo) -> CheckedUrl:
    """Raise ``UnsafeUrlError`` unless the URL is http(s) without credentials to public addresses.

    ``allow_private`` (``SURVEY_ALLOW_PRIVATE_WEBHOOKS``) admits loopback receivers only.
    """
    def resolver(host: str, port: int) -> list[str]:
        try:
            return [info[4][0] for info in resolve(host, port, proto=socket.IPPROTO_TCP)]
        except (socket.gaierror, UnicodeError) as exc:
            raise UnsafeUrlError(f"cannot resolve host '{host}'") from exc

    return check_url(url, allow_loopback=allow_private, resolver=resolver)
