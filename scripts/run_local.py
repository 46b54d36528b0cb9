"""``make run``: migrate the SQLite databases, start the console, the three services and their workers, print a tour.

Ctrl-C (or SIGTERM) stops everything this started.
"""

from __future__ import annotations

import argparse
import json
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
CONSOLE = "console"  # the web console: gunicorn only, no worker
APPS = SERVICES + (CONSOLE,)


def private_var(var: Path) -> None:
    """Make ``var`` (databases, logs, mail, keys) reachable by this user only, and everything the
    services create in it from now on: the umask is inherited by every process started here."""
    os.umask(0o077)
    var.mkdir(parents=True, exist_ok=True, mode=0o700)
    var.chmod(0o700)
    for path in var.rglob("*"):  # files of an earlier run, made before this rule
        if not path.is_symlink() and path.stat().st_mode & 0o077:
            path.chmod(0o700 if path.is_dir() else 0o600)


def kept_secret(var: Path, name: str) -> str:
    """A random secret kept in ``var/<name>`` (0600) across runs."""
    path = var / name
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def admin_key(var: Path) -> str:
    """CX_ADMIN_KEY from the environment, else one kept in var/admin-key across runs."""
    if os.environ.get("CX_ADMIN_KEY"):
        return os.environ["CX_ADMIN_KEY"]
    return kept_secret(var, "admin-key")


def service_env(ports: dict[str, int], var: Path, key: str) -> dict[str, str]:
    """Environment shared by every process this starts."""
    env = dict(os.environ)
    # Survey link tokens get their own secret, kept like the admin key (rotate: list the new one first).
    env.setdefault("SURVEY_TOKEN_SECRET", kept_secret(var, "token-secret"))
    env.update({"CX_ADMIN_KEY": key, "CX_VAR_DIR": str(var), "PYTHONUNBUFFERED": "1"})
    # The console's key (role console) and the secret that signs the person it acts for, kept like the
    # admin key; the services accept both (services/common/auth.py).
    env.setdefault("CX_CONSOLE_KEY", kept_secret(var, "console-key"))
    env.setdefault("CX_CONSOLE_ACTOR_SECRET", kept_secret(var, "console-actor-secret"))
    env.setdefault("CONSOLE_SECRET_KEY", kept_secret(var, "console-secret-key"))
    for name in APPS:  # each app's own address: the links in the mail it sends
        env[f"{name.upper()}_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{ports[name]}"
    for caller in APPS:
        for callee in SERVICES:
            if caller != callee:
                env[f"{caller.upper()}_{callee.upper()}_URL"] = f"http://127.0.0.1:{ports[callee]}"
    return env


def _private_log(path: Path):
    """A log file opened for appending, readable by this user only (0600)."""
    return open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")


def start(ports: dict[str, int], var: Path, env: dict[str, str], workers: int) -> list[subprocess.Popen]:
    """Start gunicorn and the worker for each service."""
    processes = []
    logs = var / "logs"
    logs.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in APPS:
        web_env = {**env, "CX_BIND": f"127.0.0.1:{ports[name]}", "CX_WEB_WORKERS": str(workers),
                   "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus" / name)}
        web_log = _private_log(logs / f"{name}-web.log")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             f"services.{name}.app:create_app()"], cwd=ROOT, env=web_env, stdout=web_log,
            stderr=subprocess.STDOUT, start_new_session=True))
        if name == CONSOLE:
            continue
        worker_log = _private_log(logs / f"{name}-worker.log")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", f"services.{name}.worker"], cwd=ROOT, env=env, stdout=worker_log,
            stderr=subprocess.STDOUT, start_new_session=True))
    return processes


def wait_healthy(ports: dict[str, int], processes: list[subprocess.Popen], timeout: float = 60) -> None:
    """Block until every /healthz answers 200, or fail."""
    deadline = time.monotonic() + timeout
    pending = set(APPS)
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


def console_people(var: Path, env: dict[str, str]) -> list[dict[str, str]]:
    """One console person per role (demo), their passwords kept in var/console-demo-users.json."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "services.console.app", "users", "demo",
                           "--passwords-file", str(var / "console-demo-users.json")],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def console_tour(ports: dict[str, int], people: list[dict[str, str]]) -> str:
    """The console's part of the tour: its URL first, and the demo sign-ins."""
    lines = [f"  console   http://127.0.0.1:{ports[CONSOLE]}   (the web console: sign in in a browser)"]
    for person in people:
        lines.append(f"      {person['role']:<10} {person['email']:<32} password {person['password']}")
    if not people:
        lines.append("      add a person: .venv/bin/flask --app services.console.app users ensure"
                     " --email you@example.com --role admin")
    return "\n".join(lines) + "\n"


def tour(ports: dict[str, int], key: str, var: Path, people: list[dict[str, str]] | None = None) -> str:
    """What to look at once everything runs."""
    s, m, n = (f"http://127.0.0.1:{ports[x]}" for x in SERVICES)
    return f"""
cxloop is running.
{console_tour(ports, people or [])}  survey    {s}   API docs {s}/docs
  metrics   {m}   API docs {m}/docs
  notifier  {n}   API docs {n}/docs
Authenticate with:  Authorization: Bearer {key}
  (CX_ADMIN_KEY; make other keys with: .venv/bin/flask --app services.survey.app keys create --role marketer --subject you)
Try:
  curl -s {s}/healthz
  curl -s -H 'Authorization: Bearer {key}' {m}/v1/whoami
  the README's "Using it (curl)" walk, in another terminal here: it makes its own keys (needs jq)
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
    parser.add_argument("--ports", default="8001,8002,8003,8000", help="survey,metrics,notifier,console ports")
    parser.add_argument("--var", default=os.environ.get("CX_VAR_DIR", str(ROOT / "var")))
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--no-demo", action="store_true", help="do not seed demo data")
    args = parser.parse_args(argv)
    ports = dict(zip(APPS, (int(p) for p in args.ports.split(",")), strict=True))
    var = Path(args.var).resolve()
    private_var(var)
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
        people = console_people(var, env) if demo_wanted(args) else []
        print(tour(ports, key, var, people).replace("Ctrl-C stops everything.", demo + "Ctrl-C stops everything."),
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
