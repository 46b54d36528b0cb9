"""Install the system packages the tests use, when missing: PostgreSQL server, Chromium, Hangul fonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from with_postgres import find_bin_dir  # noqa: E402


def missing_packages() -> list[str]:
    """Debian packages the test suite needs that are not installed."""
    missing = []
    if find_bin_dir() is None:
        missing.append("postgresql")
    if shutil.which("chromium") is None:
        missing.append("chromium")
    if not Path("/usr/share/fonts/truetype/nanum").exists():
        missing.append("fonts-nanum")
    return missing


def main() -> int:
    packages = missing_packages()
    if not packages:
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"please install: {' '.join(packages)}", file=sys.stderr)
        return 0
    print(f"installing {' '.join(packages)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
                   check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
