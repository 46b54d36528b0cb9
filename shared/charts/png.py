"""Charts as PNG (for emails) from the same Vega-Lite spec the browser draws, with Hangul fonts.

vl-convert renders with no browser and no network. It only knows the fonts it is told about, so the
first render registers the font directories found (``CX_CHART_FONT_DIRS``, else the places Debian,
Ubuntu and Homebrew install the Nanum fonts); without a Hangul font, Korean labels render as boxes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import vl_convert

#: where fonts-nanum (Debian/Ubuntu) and common font folders put the Nanum fonts
STANDARD_FONT_DIRS = ("/usr/share/fonts/truetype/nanum", "/usr/share/fonts/nanum", "/opt/homebrew/share/fonts",
                      "~/.local/share/fonts", "~/Library/Fonts")
_registered: list[str] = []
_lock = threading.Lock()


def font_dirs(environ: dict[str, str] | None = None) -> list[str]:
    """The existing font directories to register: ``CX_CHART_FONT_DIRS`` (os.pathsep-separated) or the standard ones."""
    environ = dict(os.environ) if environ is None else environ
    configured = environ.get("CX_CHART_FONT_DIRS")
    candidates = configured.split(os.pathsep) if configured else list(STANDARD_FONT_DIRS)
    return [str(Path(c).expanduser()) for c in candidates if c and Path(c).expanduser().is_dir()]


def register_fonts() -> list[str]:
    """Register the font directories once per process; returns those registered."""
    with _lock:
        if not _registered:
            for directory in font_dirs():
                vl_convert.register_font_directory(directory)
                _registered.append(directory)
        return list(_registered)


def render_png(spec: dict[str, Any], *, width: int = 560, scale: float = 2.0) -> bytes:
    """The spec drawn as a PNG ``width`` CSS pixels wide (``scale`` times as many pixels, for sharp mail)."""
    register_fonts()
    sized = {**spec, "width": width if spec.get("width") == "container" else spec.get("width", width)}
    return bytes(vl_convert.vegalite_to_png(sized, scale=scale))


def render_svg(spec: dict[str, Any], *, width: int = 560) -> str:
    """The spec drawn as SVG text (what tests read to check labels)."""
    register_fonts()
    sized = {**spec, "width": width if spec.get("width") == "container" else spec.get("width", width)}
    return str(vl_convert.vegalite_to_svg(sized))
