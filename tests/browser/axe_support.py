"""axe-core in the browser tests: a page's serious and critical violations, and the check every page gets
before its screenshot."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[tuple]:
    """axe-core's serious and critical violations on the page: (rule, impact, the first three targets)."""
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def check_and_screenshot(page, folder: Path, name: str, *, axe: bool = True) -> None:
    """axe on the page (no serious or critical violation) unless ``axe`` is off, then a full-page
    screenshot ``name``.png in ``folder``."""
    if axe:
        serious = serious_violations(page)
        assert serious == [], f"{name}: {serious}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
