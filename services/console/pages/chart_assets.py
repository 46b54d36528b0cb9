"""The chart library for the browser: vega-embed, Vega and Vega-Lite as vl-convert-python ships them.

Served by the console itself (no CDN, nothing copied into the repository): the bundle is generated from
the installed, pinned package when a process first needs it and kept in memory. Its URL carries the
package version, so browsers may keep it for a year.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version

from flask import Blueprint, Response, request

chart_assets = Blueprint("chart_assets", __name__)
ONE_YEAR = 365 * 24 * 3600


@functools.cache
def _bundle() -> tuple[bytes, str]:
    import vl_convert

    body = vl_convert.javascript_bundle().encode()
    return body, hashlib.sha256(body).hexdigest()[:16]


def bundle_version() -> str:
    """The vl-convert-python version, in the bundle's URL."""
    return version("vl-convert-python")


@chart_assets.get("/assets/vega-<string:package_version>.js")
def vega_bundle(package_version: str):
    """The vega-embed bundle (JavaScript); any version in the URL gets the installed one."""
    body, etag = _bundle()
    if request.if_none_match.contains(etag):
        return Response(status=304)
    response = Response(body, mimetype="text/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


@chart_assets.record_once
def _template_globals(state) -> None:
    from services.console.dashboards.vocabulary import TEMPLATE_GLOBALS
    state.app.jinja_env.globals.update(TEMPLATE_GLOBALS)


@chart_assets.app_template_global()
def vega_bundle_url() -> str:
    """Where pages load the chart library from."""
    from flask import url_for
    return url_for("chart_assets.vega_bundle", package_version=bundle_version())
