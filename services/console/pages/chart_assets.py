"""The chart library for the browser: vega-embed, Vega and Vega-Lite as vl-convert-python ships them.

Served by the console itself (no CDN, nothing copied into the repository): the bundle is generated from
the installed, pinned package. Generating it takes seconds, so it is done ahead: ``make install`` (and the
image build) runs ``python -m services.console.pages.chart_assets``, which writes it next to the installed
packages (``<environment>/share/cxloop/``, or ``CX_ASSET_CACHE_DIR``) under a name carrying the package
version; each console process loads that file on a background thread as it starts. Without the file the
first process to need it generates and writes it once. Its URL carries the package version, so browsers
may keep it for a year.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from importlib.metadata import version
from pathlib import Path

from flask import Blueprint, Response, request

chart_assets = Blueprint("chart_assets", __name__)
ONE_YEAR = 365 * 24 * 3600
CACHE_DIR_ENV = "CX_ASSET_CACHE_DIR"

_lock = threading.Lock()
_loaded: tuple[bytes, str] | None = None


def bundle_version() -> str:
    """The vl-convert-python version, in the bundle's URL and file name."""
    return version("vl-convert-python")


def bundle_file() -> Path:
    """Where the generated bundle of the installed version is kept."""
    folder = os.environ.get(CACHE_DIR_ENV) or str(Path(sys.prefix) / "share" / "cxloop")
    return Path(folder) / f"vega-embed-vl-convert-{bundle_version()}.js"


def build_bundle() -> bytes:
    """Generate the bundle from the installed package and write it (atomically) where processes read it;
    a folder that cannot be written only costs the next process the same generation."""
    import vl_convert

    body = vl_convert.javascript_bundle().encode()
    path = bundle_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(body)
        os.replace(partial, path)
    except OSError:
        pass
    return body


def _bundle() -> tuple[bytes, str]:
    """The bundle and its ETag, read from the file (generated when missing), kept in memory."""
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                body = bundle_file().read_bytes()
            except OSError:
                body = b""
            body = body or build_bundle()
            _loaded = (body, hashlib.sha256(body).hexdigest()[:16])
        return _loaded


def forget_bundle() -> None:
    """Drop the bundle held in memory (tests)."""
    global _loaded
    with _lock:
        _loaded = None


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
    # Ready before the first dashboard asks for it (the app is made in each serving process).
    threading.Thread(target=_bundle, name="chart-bundle", daemon=True).start()


@chart_assets.app_template_global()
def vega_bundle_url() -> str:
    """Where pages load the chart library from."""
    from flask import url_for
    return url_for("chart_assets.vega_bundle", package_version=bundle_version())


if __name__ == "__main__":  # make install / the image build: generate the bundle once, ahead of serving
    print(f"chart bundle: {len(build_bundle()):,} bytes in {bundle_file()}")
