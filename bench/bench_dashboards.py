"""Dashboards on big data: the console home page (``/``) and a survey summary (``/surveys/<id>``) with
10 million responses in PostgreSQL, next to the bare ``GET /v1/scores`` the home page's main card makes.

The services start as ``make run`` starts them (``scripts/run_local.py --no-demo``: gunicorn for the console
and the three services) on fresh databases of the benchmark's server, migrated by Alembic. Twenty surveys
(the demo's six designs in turn, so several touchpoints, questions and an NPS / CSAT / CES mix) are made
and published through the survey API; then ``bench/dashboard_seed.py`` fills metrics with the responses
(generate_series, server-side) and survey with the funnel of the summary's survey and two others, and
ANALYZE runs. A client signs in as the marketer through the real form and times each request
(``time.perf_counter``) round-robin: the bare scores query, the home page, the summary; median and p95
over N rounds after a warm-up. Each page's ratio is its figure over the bare query's; the issue's goal
is an absolute one (under 2 s), printed next to it, not asserted.

Before the round-robin, each API call the pages make is timed once on its own (admin key), so a slow
page says which read makes it slow.

``run(pg_url) -> list[dict]``; ``python bench/bench_dashboards.py`` under ``scripts/with_postgres.py``.
``BENCH_DASHBOARD_RESPONSES`` sets the responses (default 10,000,000); ``BENCH_DASHBOARD_N`` the rounds
(default 20). While working on the pages, ``BENCH_DASHBOARD_REUSE=<file>`` keeps the seeded databases'
addresses in that file and later runs on the same server start on them without seeding again.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_console import APPS, launch_stack, p95, signed_in, stop_stack  # noqa: E402  (bench/, on the path)
from dashboard_seed import analyze, indexes_set_aside, seed_funnels, seed_metrics  # noqa: E402
from demo import catalog  # noqa: E402  (scripts/demo: the demo's survey designs)
from demo.api import Api  # noqa: E402
from run_local import console_people, service_env  # noqa: E402
from timing import run_standalone  # noqa: E402

from services.common.db import create_database, make_engine  # noqa: E402

ADMIN = "bench-dashboards-admin-key-0123"
SURVEYS = 20
FUNNEL_SURVEYS = 3  # surveys with invitations and responses on the survey side (the summary's is the first)
WARM_UP = 3
GOAL_SECONDS = 2.0
METRICS_TABLES = ("responses", "response_scores", "response_comments")
SURVEY_TABLES = ("invitations", "responses")


def start_services(pg_url: str, var: Path, databases: dict[str, str] | None = None,
                   ) -> tuple[subprocess.Popen, dict[str, str], dict[str, str]]:
    """``scripts/run_local.py --no-demo`` on fresh, migrated PostgreSQL databases; it, URLs, database URLs.
    Tried twice: on a loaded machine a service may miss run_local's start-up deadline once."""
    try:
        return _start_services(pg_url, var, databases)
    except RuntimeError as error:
        print(f"retrying the start-up once: {str(error)[-200:]}", flush=True)
        return _start_services(pg_url, var, databases)


def _start_services(pg_url: str, var: Path, databases: dict[str, str] | None,
                    ) -> tuple[subprocess.Popen, dict[str, str], dict[str, str]]:
    from tests.support import free_port

    ports = {name: free_port() for name in APPS}
    databases = databases or {name: create_database(pg_url, f"cx_bench_dash_{name}") for name in APPS}
    process, tour = launch_stack(databases, ports, var, "--no-demo", admin_key=ADMIN)
    if "cxloop is running" not in tour:
        stop_stack(process)
        raise RuntimeError("the services did not start:\n" + tour[-3000:])
    return process, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, databases


def design(survey_url: str) -> list[dict]:
    """Twenty published surveys, the demo's designs in turn; each with its id."""
    api = Api(survey_url, ADMIN)
    try:
        existing = {touchpoint["key"] for touchpoint in api.get("/v1/touchpoints")}
        for key, name, description in catalog.TOUCHPOINTS:
            if key not in existing:
                api.post("/v1/touchpoints", {"key": key, "name": name, "description": description})
        designs = list(catalog.SURVEYS.values())
        surveys = []
        for index in range(SURVEYS):
            body = {**designs[index % len(designs)]}
            body["name"] = f"{body['name']} #{index + 1}"
            created = api.post("/v1/surveys", body)
            api.post(f"/v1/surveys/{created['id']}/publish")
            surveys.append({**body, "id": created["id"]})
        return surveys
    finally:
        api.close()


def seed(databases: dict[str, str], surveys: list[dict], responses: int, end: datetime) -> float:
    """Fill metrics and survey, then analyze; the seconds it took."""
    started = time.perf_counter()
    metrics, survey = make_engine(databases["metrics"]), make_engine(databases["survey"])
    try:
        with indexes_set_aside(metrics, METRICS_TABLES):
            seed_metrics(metrics, surveys, responses, end, log=lambda line: print(line, flush=True))
        with indexes_set_aside(survey, SURVEY_TABLES):
            seed_funnels(survey, surveys[:FUNNEL_SURVEYS], responses // SURVEYS, end)
        with survey.begin() as connection:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('invitations', 'id'), "
                                    "(SELECT max(id) FROM invitations))"))
        print(f"  loaded and indexed in {time.perf_counter() - started:.0f} s", flush=True)
        analyze(metrics, METRICS_TABLES)
        analyze(survey, SURVEY_TABLES)
    finally:
        metrics.dispose()
        survey.dispose()
    return time.perf_counter() - started


def api_reads(survey_id: int, end: datetime) -> list[tuple[str, str, dict]]:
    """(service, path, params) of the main reads of the two pages, for the per-call diagnosis."""
    first, after = (end - timedelta(days=29)).date(), (end + timedelta(days=1)).date()
    span = {"from": first.isoformat(), "to": after.isoformat(), "tz": "Asia/Seoul"}
    metrics = "nps,csat,ces"
    start = datetime.combine(first, datetime.min.time(), UTC).isoformat()
    stop = datetime.combine(after, datetime.min.time(), UTC).isoformat()
    one = {**span, "survey": str(survey_id)}
    return [
        ("metrics", "/v1/scores", {"metric": metrics, "group_by": "survey", **span}),
        ("metrics", "/v1/scores", {"metric": metrics, "group_by": "survey,period", "period": "week", "tz": "Asia/Seoul",
                                   "from": (after - timedelta(weeks=12)).isoformat(), "to": after.isoformat()}),
        ("metrics", "/v1/scores/compare", {"metric": "nps", "group_by": "survey", "window": "30d",
                                           "to": after.isoformat(), "tz": "Asia/Seoul"}),
        ("metrics", "/v1/scores", {"metric": metrics, **one}),
        ("metrics", "/v1/scores", {"metric": metrics, "group_by": "period", "period": "week", **one}),
        ("metrics", "/v1/scores", {"metric": metrics, "group_by": "channel", **one}),
        ("metrics", "/v1/scores/compare", {"metric": "csat", "window": "30d", "to": after.isoformat(),
                                           "tz": "Asia/Seoul", "survey": str(survey_id)}),
        ("metrics", "/v1/voc/keywords", {"split": "none", "top_k": 10, "min_count": 3, "examples": 2, **one}),
        ("survey", f"/v1/surveys/{survey_id}/funnel", {"from": start, "to": stop}),
        ("survey", f"/v1/surveys/{survey_id}/dropoff", {"from": start, "to": stop}),
    ]


def diagnose(urls: dict[str, str], reads: list[tuple[str, str, dict]]) -> None:
    """Time each read once (after one untimed call) and print it."""
    headers = {"Authorization": f"Bearer {ADMIN}"}
    for service, path, params in reads:
        httpx.get(urls[service] + path, params=params, headers=headers, timeout=120)
        started = time.perf_counter()
        reply = httpx.get(urls[service] + path, params=params, headers=headers, timeout=120)
        print(f"  {time.perf_counter() - started:6.3f} s  {reply.status_code}  {service} {path} "
              f"{ {k: v for k, v in params.items() if k not in ('tz',)} }", flush=True)


def timed_rounds(targets: list[tuple[httpx.Client, str, dict]], count: int) -> list[list[float]]:
    """``count`` rounds of one GET of each target (seconds each), after a warm-up of each."""
    for client, path, params in targets:
        for _ in range(WARM_UP):
            reply = client.get(path, params=params)
            if reply.status_code != 200:
                raise RuntimeError(f"GET {path}: {reply.status_code}")
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(count):
        for index, (client, path, params) in enumerate(targets):
            started = time.perf_counter()
            reply = client.get(path, params=params)
            times[index].append(time.perf_counter() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"GET {path}: {reply.status_code} during the measurement")
    return times


def run(pg_url: str, responses: int | None = None, count: int | None = None) -> list[dict]:
    """Seed, start, time the two pages and the bare scores query, stop; one row per figure."""
    responses = responses or int(os.environ.get("BENCH_DASHBOARD_RESPONSES", "10000000"))
    count = count or int(os.environ.get("BENCH_DASHBOARD_N", "20"))
    var = Path(tempfile.mkdtemp(prefix="cx-bench-dashboards-"))
    kept = Path(os.environ.get("BENCH_DASHBOARD_REUSE", "")) if os.environ.get("BENCH_DASHBOARD_REUSE") else None
    earlier = json.loads(kept.read_text()) if kept and kept.exists() else None
    process, urls, databases = start_services(pg_url, var, earlier and earlier["databases"])
    clients: list[httpx.Client] = []
    rows: list[dict] = []
    try:
        if earlier:  # a developer's second run on the same data (BENCH_DASHBOARD_REUSE): no seeding
            end, responses, seconds = datetime.fromisoformat(earlier["end"]), earlier["responses"], earlier["seconds"]
            surveys = sorted(httpx.get(urls["survey"] + "/v1/surveys", headers={"Authorization": f"Bearer {ADMIN}"},
                                       timeout=60).json(), key=lambda s: s["id"])
        else:
            end = datetime.now(UTC)
            surveys = design(urls["survey"])
            seconds = seed(databases, surveys, responses, end)
            if kept:
                kept.write_text(json.dumps({"databases": databases, "end": end.isoformat(), "responses": responses,
                                            "seconds": seconds}))
        print(f"seeded {responses:,} responses in {seconds:.0f} s", flush=True)
        rows.append({"figure": f"dashboards: seed {responses:,} responses (generate_series) + ANALYZE",
                     "value": f"{seconds:.0f} s", "baseline": "", "ratio": "", "goal": ""})
        survey_id = surveys[0]["id"]
        diagnose(urls, api_reads(survey_id, end))
        env = service_env({name: int(url.rsplit(":", 1)[1]) for name, url in urls.items()}, var, ADMIN)
        env.update({f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()})
        people = {person["role"]: person for person in console_people(var, env)}
        marketer = signed_in(urls["console"], people, "marketer")
        bare = httpx.Client(base_url=urls["metrics"], headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
        clients += [marketer, bare]
        today = end.date()
        scores_params = {"metric": "nps,csat,ces", "group_by": "survey", "tz": "UTC",
                         "from": (today - timedelta(days=29)).isoformat(),
                         "to": (today + timedelta(days=1)).isoformat()}
        targets = [(bare, "/v1/scores", scores_params), (marketer, "/", {}),
                   (marketer, f"/surveys/{survey_id}", {})]
        base, home, summary = timed_rounds(targets, count)
        base_median, base_p95 = statistics.median(base), p95(base)
        rows.append({"figure": f"dashboards: bare `GET /v1/scores` (home's main card), s over {count} requests",
                     "value": f"median {base_median:.3f}, p95 {base_p95:.3f}", "baseline": "", "ratio": "",
                     "goal": ""})
        for label, times in (("home `GET /`", home), (f"survey summary `GET /surveys/{survey_id}`", summary)):
            median, tail = statistics.median(times), p95(times)
            rows.append({"figure": f"dashboards: {label} at {responses:,} responses, s",
                         "value": f"median {median:.3f}, p95 {tail:.3f}",
                         "baseline": f"bare scores median {base_median:.3f}, p95 {base_p95:.3f}",
                         "ratio": f"median {median / base_median:.1f}x, p95 {tail / base_p95:.1f}x",
                         "goal": f"< {GOAL_SECONDS:.0f} s ({'met' if tail < GOAL_SECONDS else 'NOT met'} at p95)"})
    finally:
        for client in clients:
            client.close()
        stop_stack(process)
    shutil.rmtree(var, ignore_errors=True)
    return rows


if __name__ == "__main__":
    run_standalone(run)
