"""Offline checks of the deployment files: the schemas, and the cross-file facts that break a deployment.

No Docker engine or cluster is needed: compose is validated against the compose-spec schema
(check-jsonschema), the manifests against the bundled Kubernetes schemas (kubernetes-validate
--strict), and the rest is read with PyYAML.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
BIN = Path(sys.executable).parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_FILES = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
SERVICES = {"survey": 8001, "metrics": 8002, "notifier": 8003}
PROCESSES = {("web", s) for s in SERVICES} | {("worker", s) for s in SERVICES} | {("migrate", "all")}
SECRETS = ("CX_ADMIN_KEY", "CX_SERVICE_KEY", "POSTGRES_PASSWORD")
# The environment the code reads (the process conventions), plus what the images/pods set.
KNOWN_ENV = {
    "CX_ADMIN_KEY", "CX_SERVICE_KEY", "CX_PUBLIC_BASE_URL", "CX_LOG_LEVEL", "CX_BIND", "CX_WEB_WORKERS",
    "SURVEY_METRICS_URL", "SURVEY_NOTIFIER_URL", "NOTIFIER_METRICS_URL",
    *(f"{s.upper()}_DATABASE_URL" for s in SERVICES),
    *(f"{s}_{k}" for s in ("SURVEY", "NOTIFIER") for k in ("SMTP_HOST", "SMTP_PORT", "MAIL_FROM")),
}
SERVICE_URL = re.compile(r"^(SURVEY|NOTIFIER)_(METRICS|NOTIFIER)_URL$")
INTERPOLATION = re.compile(r"\$\{[^}]*\}")


# --- reading the files ---------------------------------------------------------------------------

def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def k8s_objects(kind: str | None = None) -> list[dict]:
    docs = [doc for path in K8S_FILES for doc in yaml.safe_load_all(path.read_text()) if doc]
    return [doc for doc in docs if kind is None or doc["kind"] == kind]


def pod_specs() -> list[dict]:
    return [obj["spec"]["template"]["spec"] for obj in k8s_objects() if obj["kind"] in ("Deployment", "Job")]


def containers() -> list[dict]:
    return [c for spec in pod_specs() for c in spec["containers"]]


def dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, rest in dockerfile_instructions():
        if instruction == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(rest))
    return env


def dockerfile_uid() -> int:
    users = [rest for instruction, rest in dockerfile_instructions() if instruction == "USER"]
    return int(users[-1].split(":")[0])


def created_databases() -> set[str]:
    sql = "\n".join(p.read_text() for p in (ROOT / "deploy" / "postgres-init").glob("*.sql"))
    return set(re.findall(r"^\s*CREATE DATABASE\s+(\w+)", sql, re.MULTILINE | re.IGNORECASE))


def process_of(argv: list[str]) -> tuple[str, str]:
    """Which conventional process a command runs; anything else is an error in the files."""
    if len(argv) == 4 and argv[:3] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]:
        match = re.fullmatch(r"services\.(\w+)\.app:create_app\(\)", argv[3])
        if match and match[1] in SERVICES:
            return "web", match[1]
    if argv == ["python", "-m", "services.common.migrate", "upgrade"]:
        return "migrate", "all"
    if len(argv) == 3 and argv[:2] == ["python", "-m"]:
        match = re.fullmatch(r"services\.(\w+)\.worker", argv[2])
        if match and match[1] in SERVICES:
            return "worker", match[1]
    raise AssertionError(f"not a cxloop process command: {argv}")


def compose_app_services(compose: dict) -> dict[str, dict]:
    return {name: svc for name, svc in compose["services"].items() if "command" in svc}


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def run(*argv: str | Path) -> subprocess.CompletedProcess:
    assert Path(argv[0]).exists(), f"{argv[0]} missing: install the dev extras"
    return subprocess.run([str(a) for a in argv], cwd=ROOT, capture_output=True, text=True, timeout=300)


# --- schema validation -----------------------------------------------------------------------------

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
    **{f"services/{s}/worker.py": r"__name__\s*==\s*[\"']__main__[\"']" for s in SERVICES},
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


# --- Kubernetes ----------------------------------------------------------------------------------

def test_k8s_objects_live_in_the_namespace():
    (namespace,) = k8s_objects("Namespace")
    for obj in k8s_objects():
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace["metadata"]["name"], obj["metadata"]["name"]


def test_k8s_services_route_to_web_pods_that_are_probed_on_the_target_port():
    deployments = k8s_objects("Deployment")
    routed = set()
    for service in k8s_objects("Service"):
        name, selector = service["metadata"]["name"], service["spec"]["selector"]
        (target,) = [d for d in deployments
                     if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
        (container,) = target["spec"]["template"]["spec"]["containers"]
        assert process_of(container["args"]) == ("web", name)
        (port,) = service["spec"]["ports"]
        assert port["port"] == SERVICES[name], "the in-cluster URLs use the conventional port"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}

        def resolve(p):
            return ports[p] if isinstance(p, str) else p

        container_port = resolve(port["targetPort"])
        assert container_port in ports.values()
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert port_of(env["CX_BIND"]) == container_port, name
        probes = (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz"), ("startupProbe", "/healthz"))
        for probe, path in probes:
            get = container[probe]["httpGet"]
            assert (get["path"], resolve(get["port"])) == (path, container_port), f"{name} {probe}"
        routed.add(target["metadata"]["name"])
    web = {d["metadata"]["name"] for d in deployments
           if process_of(d["spec"]["template"]["spec"]["containers"][0]["args"])[0] == "web"}
    assert routed == web
    assert all(d["spec"]["replicas"] == 2 for d in deployments if d["metadata"]["name"] in web)


def test_k8s_pods_run_locked_down():
    prometheus_dir = dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"]
    uid = dockerfile_uid()
    images = set()
    for obj in k8s_objects():
        if obj["kind"] == "Deployment":
            labels = obj["spec"]["template"]["metadata"]["labels"]
            assert obj["spec"]["selector"]["matchLabels"].items() <= labels.items(), obj["metadata"]["name"]
    for spec in pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] == uid
        assert spec["enableServiceLinks"] is False, "service links inject SURVEY_PORT etc. into the settings"
        empty_dirs = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"]:
            assert "command" not in container, "use args: command would replace tini as PID 1"
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), container["name"]
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts["/tmp"] in empty_dirs and mounts[prometheus_dir] in empty_dirs
            images.add(container["image"])
    assert len(images) == 1, f"one image for every process: {images}"


def test_k8s_env_refers_to_existing_config_and_secret_keys():
    available = {("configMapKeyRef", cm["metadata"]["name"], key)
                 for cm in k8s_objects("ConfigMap") for key in cm["data"]}
    available |= {("secretKeyRef", s["metadata"]["name"], key)
                  for s in k8s_objects("Secret") for key in {**s.get("data", {}), **s.get("stringData", {})}}
    used = set()
    for container in containers():
        names = [e["name"] for e in container["env"]]
        assert len(names) == len(set(names)) and set(names) <= KNOWN_ENV, container["name"]
        for entry in container["env"]:
            for kind, ref in entry.get("valueFrom", {}).items():
                used.add((kind, ref["name"], ref["key"]))
                assert (kind, ref["name"], ref["key"]) in available, f"{container['name']}: {entry}"
        kind, service = process_of(container["args"])
        for owner in SERVICES if kind == "migrate" else [service]:
            assert f"{owner.upper()}_DATABASE_URL" in names, container["name"]
    assert available == used, f"keys nobody reads (typo?): {available - used}"


def test_k8s_config_urls_point_at_the_services():
    services = {s["metadata"]["name"]: s["spec"]["ports"][0]["port"] for s in k8s_objects("Service")}
    (config,) = k8s_objects("ConfigMap")
    urls = {k: v for k, v in config["data"].items() if SERVICE_URL.match(k)}
    assert set(urls) == {k for k in KNOWN_ENV if SERVICE_URL.match(k)}
    for key, value in urls.items():
        url = urlsplit(value)
        target = SERVICE_URL.match(key)[2].lower()
        assert (url.hostname.split(".")[0], url.port) == (target, services[target]), f"{key}={value}"
    for secret in k8s_objects("Secret"):
        for owner in SERVICES:
            url = urlsplit(secret["stringData"][f"{owner.upper()}_DATABASE_URL"])
            assert url.scheme == "postgresql+psycopg" and url.path == f"/cx_{owner}"
            assert f"cx_{owner}" in created_databases()


# --- image and repository hygiene -----------------------------------------------------------------

def test_dockerfile_builds_a_pinned_non_root_image():
    instructions = dockerfile_instructions()
    bases = [rest for instruction, rest in instructions if instruction == "ARG" and rest.startswith("PYTHON_IMAGE=")]
    assert bases and bases[0].split("=", 1)[1].startswith("python:3.11-slim")
    assert dockerfile_uid() > 0
    assert dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"].startswith("/")
    runs = " ".join(rest for instruction, rest in instructions if instruction == "RUN")
    assert "-c requirements.lock" in runs, "dependencies must be installed at the locked versions"
    assert ["/usr/bin/tini", "--"] == yaml.safe_load([r for i, r in instructions if i == "ENTRYPOINT"][-1])


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
        if machine_paths.search(text) or (path != HERE and local_interpreter.search(text)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
