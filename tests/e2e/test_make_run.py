"""``make run``'s script with real gunicorn and worker processes, as from a fresh clone (with the demo):
authenticated, documented, observable, the console's tour and demo sign-ins working over real HTTP,
and stopped cleanly by Ctrl-C."""

from __future__ import annotations

import html
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from shared.actor import PERSON_ROLES
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-admin-key-abcdef"
SIGN_IN = re.compile(r"^\s+(?P<role>[a-z_]+)\s+(?P<email>\S+@\S+)\s+password (?P<password>\S+)$", re.MULTILINE)
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]  # seeding the demo on a loaded machine


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    ports = [free_port() for _ in range(4)]  # survey, metrics, notifier, console
    # As `make run` from a fresh clone: with the demo (its people are what the tour prints).
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "CX_DEMO"}
    env["CX_ADMIN_KEY"] = ADMIN
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run_local.py"), "--ports", ",".join(map(str, ports)),
         "--var", str(var)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = []
    for line in process.stdout:
        output.append(line)
        if "Ctrl-C stops everything" in line:
            break
        if process.poll() is not None:
            break
    yield {"process": process, "ports": dict(zip(("survey", "metrics", "notifier"), ports, strict=False)),
           "console": f"http://127.0.0.1:{ports[3]}", "var": var, "output": "".join(output)}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def test_all_three_answer(running):
    assert "cxloop is running" in running["output"], running["output"]
    for name, port in running["ports"].items():
        reply = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert reply.status_code == 200 and reply.json()["service"] == name
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200


def test_auth_and_openapi_over_real_http(running):
    for port in running["ports"].values():
        base = f"http://127.0.0.1:{port}"
        anonymous = httpx.get(f"{base}/v1/whoami", timeout=5)
        assert anonymous.status_code == 401 and anonymous.json()["code"] == 401
        admin = httpx.get(f"{base}/v1/whoami", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=5)
        assert admin.status_code == 200 and admin.json()["role"] == "admin"
        validate(httpx.get(f"{base}/openapi.json", timeout=5).json())


def test_metrics_add_up_across_gunicorn_workers(running):
    base = f"http://127.0.0.1:{running['ports']['metrics']}"
    for _ in range(40):
        httpx.get(f"{base}/readyz", timeout=5)  # new connections spread over the workers
    exposition = httpx.get(f"{base}/metrics", timeout=5).text
    lines = [l for l in exposition.splitlines()
             if l.startswith("cx_http_requests_total") and 'endpoint="/readyz"' in l]
    assert sum(float(l.rsplit(" ", 1)[1]) for l in lines) >= 40


def test_workers_beat_in_their_own_databases(running):
    deadline = time.monotonic() + 20
    beating = set()
    while time.monotonic() < deadline and len(beating) < 3:
        for name in running["ports"]:
            engine = create_engine(f"sqlite:///{running['var'] / (name + '.db')}")
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM worker_heartbeats")).scalar():
                    beating.add(name)
            engine.dispose()
        time.sleep(0.5)
    assert beating == {"survey", "metrics", "notifier"}


# --- the console ----------------------------------------------------------------------------------

def tour_of(running) -> str:
    """What the script printed from "cxloop is running" on."""
    output = running["output"]
    assert "cxloop is running" in output, output
    return output[output.index("cxloop is running"):]


def sign_ins(running) -> list[dict[str, str]]:
    return [match.groupdict() for match in SIGN_IN.finditer(tour_of(running))]


def csrf_token(client: httpx.Client) -> str:
    """The CSRF token of the sign-in form, as a browser gets it (GET /login)."""
    page = client.get("/login")
    assert page.status_code == 200, page.text[:500]
    (token,) = re.findall(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page.text)
    return token


@contextmanager
def signed_in_client(console: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A browser-like client (cookies) signed in through the real form with its CSRF token."""
    with httpx.Client(base_url=console, timeout=30) as client:
        reply = client.post("/login", data={"csrf_token": csrf_token(client), "email": email,
                                            "password": password, "next": ""})
        assert reply.status_code == 302 and reply.headers["location"] == "/", (reply.status_code, reply.text[:500])
        yield client


def test_the_tour_prints_the_console_first_with_one_demo_sign_in_per_role(running):
    tour = tour_of(running)
    urls = re.findall(r"http://127\.0\.0\.1:\d+", tour)
    assert urls[0] == running["console"], tour
    people = sign_ins(running)
    assert sorted(p["role"] for p in people) == sorted(PERSON_ROLES), tour
    assert len({p["email"] for p in people}) == len(people)
    first_service = min(tour.index(f"127.0.0.1:{port}") for port in running["ports"].values())
    assert all(tour.index(p["email"]) < first_service for p in people), "the sign-ins belong to the console"
    reply = httpx.get(f"{running['console']}/healthz", timeout=5)
    assert reply.status_code == 200 and reply.json()["service"] == "console"
    assert httpx.get(f"{running['console']}/readyz", timeout=5).status_code == 200


def test_each_printed_sign_in_works_and_the_services_see_that_person(running):
    console = running["console"]
    anonymous = httpx.get(f"{console}/", timeout=10)
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/login")
    for person in sign_ins(running):
        with signed_in_client(console, person["email"], person["password"]) as client:
            overview = client.get("/")
            assert overview.status_code == 200, overview.text[:500]
            # The overview asks each service who it is talking to: the console's hand-over makes it
            # this person (console-user:<id>), not the console's own key.
            subjects = re.findall(r"console-user:(\d+)", overview.text)
            assert len(subjects) == 3 and len(set(subjects)) == 1, (person["role"], overview.text[-3000:])
    with httpx.Client(base_url=console, timeout=30) as client:
        person = sign_ins(running)[0]
        wrong = client.post("/login", data={"csrf_token": csrf_token(client), "email": person["email"],
                                            "password": person["password"] + "x"})
        assert wrong.status_code == 401 and client.get("/").status_code == 302


def test_without_the_demo_the_tour_says_how_to_add_a_person():
    spec = importlib.util.spec_from_file_location("run_local", ROOT / "scripts" / "run_local.py")
    run_local = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_local)
    tour = run_local.console_tour({"console": 8000}, [])
    assert "http://127.0.0.1:8000" in tour and "users ensure" in tour and not SIGN_IN.search(tour)


def console_routes() -> set[str]:
    """The page paths the console's code registers (a page being written shows up once registered)."""
    from services.console.pages import blueprints

    app = Flask("routes")
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    return {rule.rule for rule in app.url_map.iter_rules()}


@dataclass(frozen=True)
class DemoPerson:
    id: int
    role: str


def console_client_for(running, email: str):
    """The console's own survey client, configured as make run configures the console, acting for ``email``."""
    from services.console.clients import ServiceClients
    from services.console.config import Config as ConsoleConfig

    var = running["var"]
    env = {"CX_VAR_DIR": str(var), "CONSOLE_SECRET_KEY": "unused-here",
           "CX_CONSOLE_KEY": (var / "console-key").read_text().strip(),
           "CX_CONSOLE_ACTOR_SECRET": (var / "console-actor-secret").read_text().strip(),
           **{f"CONSOLE_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in running["ports"].items()}}
    engine = create_engine(f"sqlite:///{var / 'console.db'}")
    with engine.connect() as connection:
        user_id, role = connection.execute(text("SELECT id, role FROM users WHERE email = :email"),
                                           {"email": email}).one()
    engine.dispose()
    return ServiceClients.from_config(ConsoleConfig(env)).survey, DemoPerson(user_id, role)


def test_the_demo_surveys_and_triggers_are_in_the_console(running):
    """Through the pages (``/surveys``, ``/triggers``) where the console has them; for a page not
    registered yet, through the console's own client acting for the demo marketer (same key,
    hand-over and contracts the page will use)."""
    from shared.contracts.base import tolerant
    from shared.contracts.surveys import SurveySchema
    from shared.contracts.triggers import TriggerSchema

    def admin_get(path: str) -> list[dict]:
        reply = httpx.get(f"http://127.0.0.1:{running['ports']['survey']}{path}",
                          headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json()

    surveys, triggers = admin_get("/v1/surveys"), admin_get("/v1/triggers")
    assert surveys and triggers, "the demo seeds surveys and triggers"
    (marketer,) = [p for p in sign_ins(running) if p["role"] == "marketer"]
    routes = console_routes()
    for page, items, schema in (("/surveys", surveys, SurveySchema), ("/triggers", triggers, TriggerSchema)):
        if page in routes:
            with signed_in_client(running["console"], marketer["email"], marketer["password"]) as client:
                reply = client.get(page)
            assert reply.status_code == 200, reply.text[:1000]
            for item in items:
                assert html.escape(item["name"], quote=False) in reply.text, (page, item["name"])
                assert re.search(rf'href="{page}/{item["id"]}(/edit)?"', reply.text), (page, item["id"])
        else:
            client, person = console_client_for(running, marketer["email"])
            seen = client.call(person, "GET", f"/v1{page}", reply_schema=tolerant(schema, many=True))
            assert {i["id"]: i["name"] for i in seen} == {i["id"]: i["name"] for i in items}, page


def test_ctrl_c_stops_everything(running):
    process = running["process"]
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for base in [running["console"], *(f"http://127.0.0.1:{port}" for port in running["ports"].values())]:
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{base}/healthz", timeout=1)


def test_var_holds_nothing_other_users_can_read(running):
    var = running["var"]
    assert (var / "token-secret").is_file()
    assert (var / "token-secret").read_text().strip() != "e2e-admin-key-abcdef"
    made = [path for path in var.rglob("*") if not path.is_symlink()]
    assert any(path.suffix == ".db" for path in made) and any(path.suffix == ".log" for path in made)
    assert [str(path) for path in [var, *made] if path.stat().st_mode & 0o077] == []
