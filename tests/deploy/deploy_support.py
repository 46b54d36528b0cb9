"""Reading the deployment files for the offline deploy tests (helpers, no tests)."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
BIN = Path(sys.executable).parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_FILES = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
# Every app with a web process and its own database, and its conventional port. The console has no
# worker: it keeps no background work (services/console/README.md).
SERVICES = {"console": 8000, "survey": 8001, "metrics": 8002, "notifier": 8003}
WORKER_SERVICES = ("survey", "metrics", "notifier")
PROCESSES = {("web", s) for s in SERVICES} | {("worker", s) for s in WORKER_SERVICES} | {("migrate", "all")}
SECRETS = ("CX_ADMIN_KEY", "CX_SERVICE_KEY", "POSTGRES_PASSWORD", "SURVEY_TOKEN_SECRET", "CX_CONSOLE_KEY",
           "CX_CONSOLE_ACTOR_SECRET", "CONSOLE_SECRET_KEY")
# The console's hand-over: what the console and every service's web process share (services/common/auth.py).
CONSOLE_AUTH = ("CX_CONSOLE_KEY", "CX_CONSOLE_ACTOR_SECRET")
# Optional secrets: may be empty, never given a value in the files.
OPTIONAL_SECRETS = ("CX_CONSOLE_ADMIN_EMAIL", "CX_CONSOLE_ADMIN_PASSWORD")
# The environment the code reads (the process conventions), plus what the images/pods set.
KNOWN_ENV = {
    "CX_ADMIN_KEY", "CX_SERVICE_KEY", "CX_PUBLIC_BASE_URL", "CX_LOG_LEVEL", "CX_BIND", "CX_WEB_WORKERS",
    "SURVEY_METRICS_URL", "SURVEY_NOTIFIER_URL", "NOTIFIER_METRICS_URL", "NOTIFIER_SURVEY_URL",
    "NOTIFIER_CONSOLE_URL",  # the brand on alert emails; where alerts link into the console
    "CONSOLE_SURVEY_URL", "CONSOLE_METRICS_URL", "CONSOLE_NOTIFIER_URL", "CONSOLE_SECRET_KEY",
    "SURVEY_TOKEN_SECRET", *CONSOLE_AUTH, *OPTIONAL_SECRETS,
    *(f"{s.upper()}_DATABASE_URL" for s in SERVICES),
    *(f"{s.upper()}_PUBLIC_BASE_URL" for s in SERVICES),
    *(f"{s}_{k}" for s in ("SURVEY", "NOTIFIER") for k in ("SMTP_HOST", "SMTP_PORT", "MAIL_FROM")),
}
SERVICE_URL = re.compile(r"^(SURVEY|NOTIFIER|CONSOLE)_(SURVEY|METRICS|NOTIFIER)_URL$")
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
        if match and match[1] in WORKER_SERVICES:
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
