"""Offline checks of the deployment files: the schemas, and the cross-file facts that break a deployment.

No Docker engine or cluster is needed: compose is validated against the compose-spec schema
(check-jsonschema), the manifests against the bundled Kubernetes schemas (kubernetes-validate
--strict), and the rest is read with PyYAML. Kubernetes cross-file facts: test_k8s_manifests.py.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy.deploy_support import (
    BIN,
    COMPOSE_FILE,
    CONSOLE_AUTH,
    HERE,
    INTERPOLATION,
    K8S_FILES,
    KNOWN_ENV,
    OPTIONAL_SECRETS,
    PROCESSES,
    ROOT,
    SECRETS,
    SERVICE_URL,
    SERVICES,
    WORKER_SERVICES,
    compose_app_services,
    containers,
    created_databases,
    dockerfile_env,
    dockerfile_instructions,
    dockerfile_uid,
    load_compose,
    port_of,
    process_of,
    run,
)

THIS = Path(__file__).resolve()  # the one file allowed to spell interpreter paths (in its patterns)

def test_compose_file_matches_the_compose_spec():
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", COMPOSE_FILE.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_k8s_manifests_pass_strict_validation():
    assert K8S_FILES
    result = run(BIN / "kubernetes-validate", "--strict", *(p.relative_to(ROOT) for p in K8S_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_validators_reject_an_unknown_field(tmp_path):
    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  web:\n    image: x\n    helthcheck: {}\n")
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labells: {}}\n")
    assert run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", compose).returncode != 0
    assert run(BIN / "kubernetes-validate", "--strict", manifest).returncode != 0


# --- the processes and the code they start ---------------------------------------------------------

def test_compose_and_k8s_run_every_process_once():
    compose = [process_of(svc["command"]) for svc in compose_app_services(load_compose()).values()]
    k8s = [process_of(c.get("command", []) + c.get("args", [])) for c in containers()]
    assert sorted(compose) == sorted(PROCESSES)
    assert sorted(k8s) == sorted(PROCESSES)
    cmd = [rest for instruction, rest in dockerfile_instructions() if instruction == "CMD"][-1]
    assert process_of(yaml.safe_load(cmd))[0] == "web"


ENTRY_POINTS = {
    "deploy/gunicorn.conf.py": r"CX_BIND[\s\S]*CX_WEB_WORKERS|CX_WEB_WORKERS[\s\S]*CX_BIND",
    "services/common/migrate.py": r"__name__\s*==\s*[\"']__main__[\"']",
    **{f"services/{s}/app.py": r"(?m)^def create_app\(" for s in SERVICES},
    **{f"services/{s}/worker.py": r"__name__\s*==\s*[\"']__main__[\"']" for s in WORKER_SERVICES},
}


@pytest.mark.parametrize("relpath", sorted(ENTRY_POINTS))
def test_commands_start_code_that_exists(relpath):
    path = ROOT / relpath
    if not path.exists():
        pytest.skip(f"{relpath} does not exist yet (being written); compose and k8s already run it")
    assert re.search(ENTRY_POINTS[relpath], path.read_text()), f"{relpath} lacks {ENTRY_POINTS[relpath]!r}"


# --- docker-compose -------------------------------------------------------------------------------

def test_compose_web_processes_are_health_checked_on_their_own_port():
    for name, svc in compose_app_services(load_compose()).items():
        kind, service = process_of(svc["command"])
        if kind != "web":
            continue
        port = SERVICES[service]
        assert svc["environment"]["CX_BIND"] == f"0.0.0.0:{port}", name
        assert svc["ports"] == [f"127.0.0.1:{port}:{port}"], name
        check = svc["healthcheck"]["test"]
        assert check[:2] == ["CMD", "python"], f"{name}: the slim image has no curl"
        assert f"'http://127.0.0.1:{port}/healthz'" in check[-1], name


def test_compose_publishes_ports_on_loopback_only():
    for name, svc in load_compose()["services"].items():
        for mapping in svc.get("ports", []):
            assert str(mapping).startswith("127.0.0.1:"), name


def test_compose_starts_services_after_migrations_after_postgres():
    compose = load_compose()
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    for name, svc in compose_app_services(compose).items():
        if process_of(svc["command"])[0] == "migrate":
            assert svc["depends_on"] == {"postgres": {"condition": "service_healthy"}}
            assert svc["restart"] == "no", "a restarting one-shot never completes"
            migrate = name
    for name, svc in compose_app_services(compose).items():
        if name != migrate:
            assert svc["depends_on"] == {migrate: {"condition": "service_completed_successfully"}}, name


def test_compose_containers_get_a_writable_tmp_and_prometheus_dir():
    prometheus_dir = dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"]
    for name, svc in compose_app_services(load_compose()).items():
        assert svc["read_only"] is True, name
        assert {"/tmp", prometheus_dir} <= set(svc["tmpfs"]), name


def test_compose_environment_is_wired():
    compose = load_compose()
    services = compose_app_services(compose)
    web_at = {process_of(s["command"])[1]: (n, port_of(s["environment"]["CX_BIND"]))
              for n, s in services.items() if process_of(s["command"])[0] == "web"}
    for name, svc in services.items():
        env = svc["environment"]
        assert set(env) <= KNOWN_ENV, f"{name}: unknown variables {set(env) - KNOWN_ENV}"
        kind, service = process_of(svc["command"])
        for owner in SERVICES if kind == "migrate" else [service]:
            url = urlsplit(INTERPOLATION.sub("secret", env[f"{owner.upper()}_DATABASE_URL"]))
            assert compose["services"][url.hostname]["image"].startswith("postgres:"), name
            assert url.path == f"/cx_{owner}" and f"cx_{owner}" in created_databases(), name
            assert "${POSTGRES_PASSWORD:?" in env[f"{owner.upper()}_DATABASE_URL"], name
        for key, value in env.items():
            if key in SECRETS:
                assert re.fullmatch(rf"\$\{{{key}:\?[^}}]+\}}", value), f"{name}: {key} must have no default"
            if SERVICE_URL.match(key):
                target = SERVICE_URL.match(key)[2].lower()
                url = urlsplit(value)
                assert (url.hostname, url.port) == web_at[target], f"{name}: {key}={value}"
    postgres_password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", postgres_password)


def test_compose_console_and_services_share_the_hand_over_secrets():
    """The console's key and actor secret reach the console and every service's web process, from
    the same .env entries, and no worker (workers never receive a console request)."""
    services = compose_app_services(load_compose())
    for name, svc in services.items():
        kind, service = process_of(svc["command"])
        env = svc["environment"]
        if kind == "web":
            for key in CONSOLE_AUTH:
                assert env.get(key, "").startswith(f"${{{key}:?"), f"{name}: {key}"
        else:
            assert not set(CONSOLE_AUTH) & set(env), f"{name} needs no console secrets"
        if service == "survey":
            assert env["SURVEY_TOKEN_SECRET"].startswith("${SURVEY_TOKEN_SECRET:?"), name
    console = services["console"]["environment"]
    assert console["CONSOLE_SECRET_KEY"].startswith("${CONSOLE_SECRET_KEY:?")
    assert not {"CX_ADMIN_KEY", "CX_SERVICE_KEY"} & set(console), "the console acts only for people"
    for key in OPTIONAL_SECRETS:  # optional, and never given a value in the file
        assert console[key] == f"${{{key}:-}}", key


def test_env_example_sets_every_required_secret():
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    assigned = set(re.findall(r"(?m)^([A-Z_]+)=", example))
    compose_text = COMPOSE_FILE.read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", compose_text))
    assert required == set(SECRETS) and required <= assigned, required ^ assigned
    for key in OPTIONAL_SECRETS:
        assert f"# {key}=" in example, f"{key}: documented, commented out"


# --- Kubernetes ----------------------------------------------------------------------------------

def test_dockerfile_builds_a_pinned_non_root_image():
    instructions = dockerfile_instructions()
    bases = [rest for instruction, rest in instructions if instruction == "ARG" and rest.startswith("PYTHON_IMAGE=")]
    assert bases and bases[0].split("=", 1)[1].startswith("python:3.11-slim")
    assert dockerfile_uid() > 0
    assert dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"].startswith("/")
    runs = " ".join(rest for instruction, rest in instructions if instruction == "RUN")
    assert "-c requirements.lock" in runs, "dependencies must be installed at the locked versions"
    assert ["/usr/bin/tini", "--"] == yaml.safe_load([r for i, r in instructions if i == "ENTRYPOINT"][-1])
    exposed = {int(port) for i, rest in instructions if i == "EXPOSE" for port in rest.split()}
    assert exposed == set(SERVICES.values()), exposed


def test_lock_pins_every_runtime_dependency():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    lock_lines = (ROOT / "requirements.lock").read_text().splitlines()
    locked = {norm(line.split("==")[0]) for line in lock_lines if "==" in line}
    wanted = {norm(re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0]) for dep in pyproject["project"]["dependencies"]}
    assert wanted <= locked, f"not in requirements.lock: {wanted - locked}"


def dockerignored(path: str) -> bool:
    """Docker's rule, simplified: the last matching pattern (or its negation) decides, parents count."""
    ignored = False
    for pattern in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate, pattern = pattern.startswith("!"), pattern.lstrip("!").strip("/")
        parts = path.split("/")
        if any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_the_code_and_drops_local_state():
    for needed in ("pyproject.toml", "requirements.lock", "services/survey/app.py", "shared/__init__.py",
                   "migrations/alembic.ini", "deploy/gunicorn.conf.py"):
        assert not dockerignored(needed), needed
    for local in (".git/config", ".venv/bin/python", "var/survey.db", ".env", "tests/conftest.py",
                  "services/__pycache__/x.pyc"):
        assert dockerignored(local), local


def test_no_paths_of_this_machine():
    # Only paths at least two levels deep: /tmp, /app or /root may be a checkout's parent or home
    # and are also legitimate paths inside the containers.
    machine = {str(p) for p in (ROOT, ROOT.parent, Path.home()) if len(p.parts) >= 3}
    machine_paths = re.compile("|".join(re.escape(p) + r"(?![\w.-])" for p in sorted(machine)) or "(?!)")
    local_interpreter = re.compile(r"/\.venv/|/\.pyenv/|site-packages")
    files = [COMPOSE_FILE, ROOT / ".dockerignore", *HERE.parent.glob("*.py"),
             *(p for p in (ROOT / "deploy").rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    offenders = []
    for path in files:
        text = path.read_text(errors="replace")
        if machine_paths.search(text) or (path != THIS and local_interpreter.search(text)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
