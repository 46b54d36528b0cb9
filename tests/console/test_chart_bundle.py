"""The chart bundle is generated ahead (``make install``), so the first dashboard view does not wait for it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from services.console.pages import chart_assets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    for thread in threading.enumerate():  # a console made before this loads the real bundle first
        if thread.name == "chart-bundle":
            thread.join()
    monkeypatch.setenv(chart_assets.CACHE_DIR_ENV, str(tmp_path))
    chart_assets.forget_bundle()
    yield tmp_path
    chart_assets.forget_bundle()  # later tests load the real one again


def test_the_install_step_writes_the_bundle_of_the_installed_version(cache_dir):
    done = subprocess.run([sys.executable, "-m", "services.console.pages.chart_assets"], cwd=ROOT, check=True,
                          capture_output=True, text=True, env={**os.environ, chart_assets.CACHE_DIR_ENV: str(cache_dir)})
    [written] = cache_dir.glob("vega-embed-vl-convert-*.js")
    assert written == chart_assets.bundle_file() and str(written) in done.stdout
    assert b"window.vegaEmbed" in written.read_bytes()
    assert not list(cache_dir.glob(".*partial"))


def test_the_console_serves_the_prepared_file_without_generating_it(console, cache_dir, monkeypatch):
    chart_assets.bundle_file().write_bytes(b"/* prepared */ window.vegaEmbed = 1;")
    chart_assets.forget_bundle()

    def no_generation():
        raise AssertionError("generated at request time")

    monkeypatch.setattr(chart_assets, "build_bundle", no_generation)
    reply = console.client().get("/assets/vega-1.js")
    assert reply.status_code == 200 and reply.data == b"/* prepared */ window.vegaEmbed = 1;"
    again = console.client().get("/assets/vega-1.js", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304


def test_without_the_file_the_first_need_generates_and_keeps_it(console, cache_dir):
    reply = console.client().get("/assets/vega-1.js")
    assert reply.status_code == 200 and b"window.vegaEmbed" in reply.data
    assert chart_assets.bundle_file().read_bytes() == reply.data
