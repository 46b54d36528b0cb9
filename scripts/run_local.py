"""``make run``: migrate the SQLite databases, start the three services and their workers, print a tour.

Ctrl-C (or SIGTERM) stops everything this started.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("survey", "metrics", "notifier")


def admin_key(var: Path) -> str:
    """CX_ADMIN_KEY from the environment, else one kept in var/admin-key across runs."""
    if os.environ.get("CX_ADMIN_KEY"):
        return os.environ["CX_ADMIN_KEY"]
    path = var / "admin-key"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def service_env(ports: dict[str, int], var: Path, key: str) -> dict[str, str]:
    """Environment shared by every process this starts."""
    env = dict(os.environ)
    env.update({"CX_ADMIN_KEY": key, "CX_VAR_DIR": str(var), "PYTHONUNBUFFERED": "1"})
    for name in SERVICES:  # each service's own address: the links in the mail it sends
        env[f"{name.upper()}_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{ports[name]}"
    for caller in SERVICES:
        for callee in SERVICES:
            if caller != callee:
                env[f"{caller.upper()}_{callee.upper()}_URL"] = f"http://127.0.0.1:{ports[callee]}"
    return env


def start(ports: dict[str, int], var: Path, env: dict[str, str], workers: int) -> list[subprocess.Popen]:
    """Start gunicorn and the worker for each service."""
    processes = []
    logs = var / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        web_env = {**env, "CX_BIND": f"127.0.0.1:{ports[name]}", "CX_WEB_WORKERS": str(workers),
                   "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus" / name)}
        web_log = open(logs / f"{name}-web.log", "ab")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             f"services.{name}.app:create_app()"], cwd=ROOT, env=web_env, stdout=web_log,
            stderr=subprocess.STDOUT, start_new_session=True))
        worker_log = open(logs / f"{name}-worker.log", "ab")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", f"services.{name}.worker"], cwd=ROOT, env=env, stdout=worker_log,
            stderr=subprocess.STDOUT, start_new_session=True))
    return processes


def wait_healthy(ports: dict[str, int], processes: list[subprocess.Popen], timeout: float = 60) -> None:
    """Block until every /healthz answers 200, or fail."""
    deadline = time.monotonic() + timeout
    pending = set(SERVICES)
    while pending and time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a process exited during start-up; see var/logs/")
        for name in list(pending):
            try:
                if httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=1).status_code == 200:
                    pending.discard(name)
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    if pending:
        raise SystemExit(f"not healthy after {timeout:.0f}s: {', '.join(sorted(pending))}")


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM every process group, then SIGKILL what is left after 10 s."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def tour(ports: dict[str, int], key: str, var: Path) -> str:
    """What to look at once everything runs."""
    s, m, n = (f"http://127.0.0.1:{ports[x]}" for x in SERVICES)
    return f"""
cxloop is running.
  survey    {s}   API docs {s}/docs
  metrics   {m}   API docs {m}/docs
  notifier  {n}   API docs {n}/docs
Authenticate with:  Authorization: Bearer {key}
  (CX_ADMIN_KEY; make other keys with: .venv/bin/flask --app services.survey.app keys create --role marketer --subject you)
Try:
  curl -s {s}/healthz
  curl -s -H 'Authorization: Bearer {key}' {m}/v1/whoami
Logs: {var}/logs/   Demo mail: {var}/mail/
Ctrl-C stops everything.
"""


def demo_wanted(args: argparse.Namespace) -> bool:
    """Seed the demo unless --no-demo or CX_DEMO=0."""
    return not args.no_demo and os.environ.get("CX_DEMO", "1").strip().lower() not in ("0", "false", "no", "off")


def seed_demo(ports: dict[str, int], key: str, var: Path, env: dict[str, str]) -> str:
    """Seed the demo company through the APIs (once) and return its part of the tour."""
    from demo.tour import demo_tour
    from seed_demo import seed_if_needed

    urls = {name: f"http://127.0.0.1:{ports[name]}" for name in SERVICES}
    print("seeding the demo company (once; --no-demo or CX_DEMO=0 to skip)...", flush=True)
    started = time.monotonic()
    try:
        summary = seed_if_needed(urls, key, var, env, log=lambda line: print(line, flush=True))
    except Exception as error:  # the services keep running; the tour says what happened
        print(f"demo seeding failed: {error}", file=sys.stderr, flush=True)
        return f"\nDemo data: seeding failed ({error}); see {var}/logs/.\n"
    print(f"demo ready after {time.monotonic() - started:.1f}s", flush=True)
    return demo_tour(urls, key, var, summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", default="8001,8002,8003", help="survey,metrics,notifier ports")
    parser.add_argument("--var", default=os.environ.get("CX_VAR_DIR", str(ROOT / "var")))
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--no-demo", action="store_true", help="do not seed demo data")
    args = parser.parse_args(argv)
    ports = dict(zip(SERVICES, (int(p) for p in args.ports.split(",")), strict=True))
    var = Path(args.var).resolve()
    key = admin_key(var)
    env = service_env(ports, var, key)
    subprocess.run([sys.executable, "-m", "services.common.migrate", "upgrade"], cwd=ROOT, env=env,
                   check=True)
    processes = start(ports, var, env, args.web_workers)
    stopping = {"now": False}

    def on_signal(_signum, _frame) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        wait_healthy(ports, processes)
        demo = seed_demo(ports, key, var, env) if demo_wanted(args) else ""
        print(tour(ports, key, var).replace("Ctrl-C stops everything.", demo + "Ctrl-C stops everything."),
              flush=True)
        while not stopping["now"]:
            if any(p.poll() is not None for p in processes):
                print("a process exited; stopping everything (see var/logs/)", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        stop(processes)
        print("stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
