"""Run a command against a throwaway PostgreSQL cluster: ``python scripts/with_postgres.py -- CMD ...``.

Finds the PostgreSQL server binaries (PATH, then /usr/lib/postgresql/*/bin; installs the Debian
package with apt-get when missing), creates a cluster in a temporary folder on a free loopback port
with trust authentication, exports ``CX_TEST_POSTGRES_URL`` to the command, and removes the cluster
afterwards, whatever the command's outcome. As root, the server runs as an unprivileged user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_USER = "cxloop_pg"


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl, if PostgreSQL is installed."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def ensure_postgres() -> Path:
    """Return the PostgreSQL bin folder, installing the server with apt-get if needed."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL server not found; installing it with apt-get", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        bin_dir = find_bin_dir()
    if bin_dir is None:
        sys.exit("PostgreSQL binaries still missing after apt-get install")
    return bin_dir


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)
    return ["runuser", "-u", PG_USER, "--"]


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        sys.exit("usage: with_postgres.py -- COMMAND [ARGS...]")
    bin_dir = ensure_postgres()
    prefix = _as_user_prefix()
    workdir = Path(tempfile.mkdtemp(prefix="cxloop-pg-"))
    data, sockets = workdir / "data", workdir / "sock"
    sockets.mkdir()
    if prefix:
        shutil.chown(workdir, PG_USER)
        shutil.chown(sockets, PG_USER)
    port = free_port()
    log_file = workdir / "server.log"
    try:
        subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True,
                       stdout=subprocess.DEVNULL)
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(log_file), "-w", "start"], check=True, stdout=subprocess.DEVNULL)
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        print(f"throwaway PostgreSQL on 127.0.0.1:{port}", flush=True)
        env = {**os.environ, "CX_TEST_POSTGRES_URL": url}
        return subprocess.run(argv, env=env).returncode
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
