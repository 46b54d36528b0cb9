"""Import rules (import-linter): services independent, shared and stats framework-free."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout or "kept, 0 broken" in result.stdout


def test_no_create_all_at_start_up():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "services").rglob("*.py")
                 if "create_all(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_ruff_is_clean():
    """pyflakes, bugbear, import order and complexity, as configured in pyproject.toml."""
    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr


def test_mypy_is_clean_on_the_typed_core():
    """The modules listed in pyproject.toml's [tool.mypy] files (shared, common, stats, use cases)."""
    result = subprocess.run([str(Path(sys.executable).parent / "mypy"), "--no-incremental"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
