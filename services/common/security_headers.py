"""Security headers on every reply, set in one place for every service.

- Every reply: ``X-Content-Type-Options: nosniff`` (a JSON or CSV reply is never run as a page).
- Every ``/v1`` reply: ``Cache-Control: no-store``; they are authenticated and may carry personal data.
- Every HTML page: a restrictive Content-Security-Policy (no scripts unless a page sets its own
  policy; no framing), ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``, so a page whose
  URL holds a token (unsubscribe links) does not leak it. A page that sets its own CSP keeps it.
- The API docs page (Swagger UI) needs its one inline start-up script: the policy allows exactly that
  script by its SHA-256 hash, nothing else inline.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

PAGE_POLICY = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
DOCS_POLICY = ("default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
PAGE_HEADERS = {"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions (``'sha256-...'``) of the inline scripts of a page."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for body in _INLINE_SCRIPT.findall(html)]


def init_security_headers(app: Flask, *, docs_path: str | None = None) -> None:
    """Register the after-request hook that sets the headers above."""
    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.path.startswith("/v1/"):
            response.headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            for name, value in PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
            if "Content-Security-Policy" not in response.headers:
                if docs_path and request.path == docs_path and not response.direct_passthrough:
                    hashes = " ".join(inline_script_hashes(response.get_data()))
                    response.headers["Content-Security-Policy"] = DOCS_POLICY.format(hashes=hashes)
                else:
                    response.headers["Content-Security-Policy"] = PAGE_POLICY
        return response
