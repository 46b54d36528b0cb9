"""A small PNG trend chart of a score with its interval band (Pillow)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

WIDTH, HEIGHT, PAD = 360, 140, 14


def trend_png(points: list[dict[str, Any]]) -> bytes | None:
    """The score per period as a line over its shaded interval; None with fewer than two points."""
    usable = [p for p in points if p.get("value") is not None]
    if len(usable) < 2:
        return None
    lows = [p.get("ci_low") if p.get("ci_low") is not None else p["value"] for p in usable]
    highs = [p.get("ci_high") if p.get("ci_high") is not None else p["value"] for p in usable]
    bottom, top = min(lows), max(highs)
    if top - bottom < 1e-9:
        top, bottom = top + 1, bottom - 1

    def xy(index: int, value: float) -> tuple[float, float]:
        x = PAD + index * (WIDTH - 2 * PAD) / (len(usable) - 1)
        y = HEIGHT - PAD - (value - bottom) * (HEIGHT - 2 * PAD) / (top - bottom)
        return x, y

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    band = [xy(i, h) for i, h in enumerate(highs)] + [xy(i, lo) for i, lo in reversed(list(enumerate(lows)))]
    draw.polygon(band, fill=(205, 222, 240))
    draw.line([xy(i, p["value"]) for i, p in enumerate(usable)], fill=(31, 90, 160), width=2)
    for i, p in enumerate(usable):
        x, y = xy(i, p["value"])
        draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=(31, 90, 160))
    draw.text((PAD, 1), f"{top:.0f}", fill=(90, 90, 90))
    draw.text((PAD, HEIGHT - PAD + 1), f"{bottom:.0f}", fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
