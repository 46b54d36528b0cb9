"""Console page times on the demo data, against ``GET /healthz`` of the same console in the same run.

The stack starts as ``make run`` starts it (``scripts/run_local.py``: gunicorn for the console and the
three services, their workers, the demo company seeded through the APIs), here on fresh PostgreSQL
databases of the benchmark's server. A client on the same machine signs in through the real form
(CSRF token and all) and times each request with ``time.perf_counter``: median and p95 over N
requests per page, on keep-alive connections, after a warm-up. The requests go round-robin (one
``/healthz``, then one of each page, N rounds), so the baseline and the pages share whatever else
the machine is doing. Each page's ratio is its figure over the same figure of ``/healthz``; the goal
is a p95 under 10 times ``/healthz``'s.

The timing starts once the stack has settled: ``make run`` prints its tour as soon as the demo is posted,
while the workers are still matching the demo's events, sending its invitations and relaying its
responses for a minute or more. Measured then, every page shares the machine with that one-off backlog
(a p95 then says more about the backlog than about the page), so the run first reads the stack's CPU
once a second, up to ``SETTLE_READINGS`` times, until its processes used less than 5 % of a core in three
readings in a row, and reports how long that took.

Pages: the survey list (``/surveys``), the builder (``/surveys/<id>/edit``, of the demo survey with the
most questions) and the trigger editor (``/triggers/<id>``) as the demo marketer; the overview (``/``)
as the marketer and ``/settings/users`` and ``/settings/audit`` as the demo admin. A page the console
does not have yet (404) is reported as skipped, and measured once it exists.

``run(pg_url) -> list[dict]``; ``python bench/bench_console.py`` under ``scripts/with_postgres.py``.
``BENCH_CONSOLE_N`` sets N (default 200).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import run_standalone  # noqa: E402  (bench/, on the path when run as a script or by run_all)

from services.common.db import create_database  # noqa: E402
from tests.support import free_port  # noqa: E402

ADMIN = "bench-console-admin-key-0123"
APPS = ("survey", "metrics", "notifier", "console")
SIGN_IN = re.compile(r"^\s+(?P<role>[a-z_]+)\s+(?P<email>\S+@\S+)\s+password (?P<password>\S+)$", re.MULTILINE)
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
WARM_UP = 10
GOAL = 10.0  # p95 of a page under GOAL x p95 of /healthz
SETTLE_READINGS = 300  # one a second: at most five minutes
IDLE_SHARE = 0.05  # of one core, summed over the stack's processes


def launch_stack(databases: dict[str, str], ports: dict[str, int], var: Path, *options: str,
                 admin_key: str = ADMIN) -> tuple[subprocess.Popen, str]:
    """``scripts/run_local.py`` (gunicorn, 3 web workers each) on ``databases`` with ``admin_key``, until its
    tour is printed (or it exits); returns the process and the tour. ``options``: more arguments (``--no-demo``)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "CX_DEMO"}
    env.update({f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()})
    env.update({"CX_ADMIN_KEY": admin_key, "CX_LOG_LEVEL": "WARNING"})
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run_local.py"), "--ports", ",".join(str(ports[n]) for n in APPS),
         "--var", str(var), "--web-workers", "3", *options], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = []
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        if "Ctrl-C stops everything" in line or process.poll() is not None:
            break
    return process, "".join(output)


def start_stack(pg_url: str, var: Path) -> tuple[subprocess.Popen, dict[str, str], str]:
    """``scripts/run_local.py`` with the demo on fresh PostgreSQL databases; returns it, the URLs and its tour."""
    ports = {name: free_port() for name in APPS}
    databases = {name: create_database(pg_url, f"cx_bench_console_{name}") for name in APPS}
    process, tour = launch_stack(databases, ports, var)
    if "cxloop is running" not in tour or "seeding failed" in tour:
        stop_stack(process)
        raise RuntimeError(f"the stack did not start with the demo:\n{tour[-3000:]}")
    return process, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, tour


def _group_cpu_ticks(group: int) -> int | None:
    """CPU time (clock ticks, user + system) of the live processes of process group ``group``; None
    where there is no ``/proc``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()  # after "pid (name)"
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[2]) == group:  # fields: state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total


def settle(process: subprocess.Popen, readings: int = SETTLE_READINGS) -> tuple[float, bool]:
    """Read the CPU the stack (``process``'s group: gunicorn, workers) used, once a second, until it was idle
    in three readings in a row or after ``readings`` readings; returns the seconds waited and whether it
    went idle (not observable: 0, False). Whether it went idle depends on the CPU the group used between
    readings, not on how long the wait took."""
    idle_ticks = IDLE_SHARE * os.sysconf("SC_CLK_TCK")
    started, quiet = time.monotonic(), 0
    last = _group_cpu_ticks(process.pid)
    for _ in range(readings):
        if last is None or quiet >= 3:
            break
        time.sleep(1)
        now = _group_cpu_ticks(process.pid)
        quiet = quiet + 1 if now is not None and now - last <= idle_ticks else 0
        last = now
    return time.monotonic() - started, quiet >= 3


def stop_stack(process: subprocess.Popen) -> None:
    """Ctrl-C, as a person would; SIGKILL if it does not stop."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def signed_in(console: str, people: dict[str, dict[str, str]], role: str) -> httpx.Client:
    """A client signed in as the demo person of ``role`` through the form (CSRF token from GET /login)."""
    client = httpx.Client(base_url=console, timeout=30)
    token = CSRF.search(client.get("/login").text)
    assert token, "no CSRF token on /login"
    person = people[role]
    reply = client.post("/login", data={"csrf_token": token[1], "email": person["email"],
                                        "password": person["password"], "next": ""})
    if reply.status_code != 302:
        client.close()
        raise RuntimeError(f"sign-in as {role} failed: {reply.status_code}")
    return client


def round_robin(targets: list[tuple[httpx.Client, str]], count: int) -> list[list[float]]:
    """``count`` rounds of one GET of each target (seconds each), after a warm-up of each."""
    for client, path in targets:
        for _ in range(WARM_UP):
            client.get(path)
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(count):
        for index, (client, path) in enumerate(targets):
            started = time.perf_counter()
            reply = client.get(path)
            times[index].append(time.perf_counter() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"GET {path}: {reply.status_code} during the measurement")
    return times


def p95(times: list[float]) -> float:
    """The 95th percentile (inclusive method)."""
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def demo_ids(survey_url: str) -> tuple[int | None, int | None]:
    """The demo survey with the most questions, and the first trigger (admin key)."""
    headers = {"Authorization": f"Bearer {ADMIN}"}
    surveys = httpx.get(f"{survey_url}/v1/surveys", headers=headers, timeout=30).json()
    triggers = httpx.get(f"{survey_url}/v1/triggers", headers=headers, timeout=30).json()
    survey = max(surveys, key=lambda s: len(s.get("questions") or []), default=None)
    return (survey["id"] if survey else None), (min(t["id"] for t in triggers) if triggers else None)


OVERVIEW_GOAL = "none here: bench_dashboards holds it (< 2 s at 10M responses)"


def pages(survey_id: int | None, trigger_id: int | None) -> list[tuple[str, str, str]]:
    """(label, path, role) of every page measured."""
    return [
        ("survey list", "/surveys", "marketer"),
        ("survey builder", f"/surveys/{survey_id}/edit", "marketer"),
        ("trigger editor", f"/triggers/{trigger_id}", "marketer"),
        ("overview", "/", "marketer"),
        ("people", "/settings/users", "admin"),
        ("audit log", "/settings/audit", "admin"),
    ]


def goal_of(figure: str) -> str:
    """The goal a page's row is held to: the overview (the dashboard home) has its own, at scale."""
    return OVERVIEW_GOAL if "overview" in figure else f"p95 <= {GOAL:.0f}x /healthz"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def run(pg_url: str, count: int | None = None) -> list[dict]:
    """Start the demo stack, time the pages and /healthz, stop it; one row per figure."""
    count = count or int(os.environ.get("BENCH_CONSOLE_N", "200"))
    var = Path(tempfile.mkdtemp(prefix="cx-bench-console-"))
    started = time.perf_counter()
    process, urls, tour = start_stack(pg_url, var)
    ready_seconds = time.perf_counter() - started
    settled_seconds, idle = settle(process)
    people = {m["role"]: m.groupdict() for m in SIGN_IN.finditer(tour)}
    clients: dict[str, httpx.Client] = {}
    rows: list[dict] = []
    try:
        survey_id, trigger_id = demo_ids(urls["survey"])
        clients["anonymous"] = httpx.Client(base_url=urls["console"], timeout=30)
        targets, measured, skipped = [(clients["anonymous"], "/healthz")], [], []
        for label, path, role in pages(survey_id, trigger_id):
            if role not in clients:
                clients[role] = signed_in(urls["console"], people, role)
            status = clients[role].get(path).status_code
            figure = f"console: {label} `GET {path}` as {role}, ms"
            if status == 404:
                print(f"  {path}: 404, the console has no such page yet; skipped", flush=True)
                skipped.append(figure)
            elif status != 200:
                raise RuntimeError(f"GET {path} as {role}: {status}")
            else:
                targets.append((clients[role], path))
                measured.append(figure)
        health, *page_times = round_robin(targets, count)
        base_median, base_p95 = statistics.median(health), p95(health)
        rows.append({"figure": f"console: GET /healthz (baseline), ms over {count} requests",
                     "value": f"median {ms(base_median)}, p95 {ms(base_p95)}", "baseline": "", "ratio": "",
                     "goal": ""})
        for figure in skipped:
            rows.append({"figure": figure, "value": "skipped: page not there yet (404)", "baseline": "",
                         "ratio": "", "goal": f"p95 <= {GOAL:.0f}x /healthz"})
        for figure, times in zip(measured, page_times, strict=True):
            median, tail = statistics.median(times), p95(times)
            rows.append({"figure": figure, "value": f"median {ms(median)}, p95 {ms(tail)}",
                         "baseline": f"/healthz median {ms(base_median)}, p95 {ms(base_p95)}",
                         "ratio": f"median {median / base_median:.1f}x, p95 {tail / base_p95:.1f}x",
                         "goal": goal_of(figure)})
    finally:
        for client in clients.values():
            client.close()
        stop_stack(process)
    shutil.rmtree(var, ignore_errors=True)  # logs kept only when something failed
    rows.append({"figure": "console: make run stack up with the demo seeded (PostgreSQL)",
                 "value": f"{ready_seconds:.0f} s", "baseline": "", "ratio": "", "goal": ""})
    rows.append({"figure": "console: then until the workers had the demo's backlog done (stack idle)",
                 "value": f"{settled_seconds:.0f} s" + ("" if idle else " (never idle: timed anyway)"),
                 "baseline": "", "ratio": "",
                 "goal": f"timing starts then (at most {SETTLE_READINGS} s)"})
    return rows


if __name__ == "__main__":
    run_standalone(run)
