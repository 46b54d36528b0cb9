"""Headers of every console page: a strict Content-Security-Policy and no-store.

No inline script or style anywhere: scripts and styles are files under ``/static`` served by the
console itself. Every page may show personal data (names, emails), so none is stored by a cache.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

CONSOLE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                  "base-uri 'none'")


def init_page_headers(app: Flask) -> None:
    """Register the after-request hook (it runs after the common security headers and replaces their CSP)."""
    @app.after_request
    def _page_headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CONSOLE_POLICY
            if g.get("frame_sources"):  # a page that embeds another service's page names its origin
                response.headers["Content-Security-Policy"] += "; frame-src " + " ".join(g.frame_sources)
        if not request.path.startswith(("/static/", "/assets/")):  # assets: the chart bundle
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Vary", "Cookie")
        return response
