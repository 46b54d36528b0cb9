"""Real service stacks on fresh PostgreSQL databases for the fault and scale-out tests."""

from __future__ import annotations

from pathlib import Path

import httpx

from services.common.migrate import upgrade
from tests.conftest import new_postgres_database
from tests.e2e.processes import Process, service_env
from tests.support import free_port

ADMIN = "reliability-admin-key-01234"
FAST_WORKER = {
    "SURVEY_DISPATCH_INTERVAL_SECONDS": "0.3", "SURVEY_MATCH_INTERVAL_SECONDS": "0.3",
    "SURVEY_OUTBOX_INTERVAL_SECONDS": "0.3", "SURVEY_OUTBOX_BACKOFF_BASE_SECONDS": "0.3",
    "SURVEY_OUTBOX_LEASE_SECONDS": "3",  # a killed worker's in-flight messages come back quickly
    "SURVEY_DISPATCH_LEASE_SECONDS": "3",  # and so do the invitations it was sending
    "SURVEY_OUTBOX_BACKOFF_CAP_SECONDS": "2", "SURVEY_CONTACT_BUDGET_MAX": "1000",
    "SURVEY_TOKEN_SECRET": "reliability-token-secret",
    # The per-key and per-address limits are tested on their own; here they would only add noise.
    "CX_RATE_LIMIT_PER_MINUTE": "0", "CX_PUBLIC_RATE_LIMIT_PER_MINUTE": "0",
}


class Stack:
    """Databases, environment and processes of some services; everything stops at ``close``."""

    def __init__(self, var: Path, services: tuple[str, ...], *, extra: dict[str, str] | None = None) -> None:
        self.var, self.logs = var, var / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("survey", "metrics", "notifier")}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.databases = {}
        for name in services:
            self.databases[name] = new_postgres_database(f"cx_rel_{name}")
            upgrade(name, self.databases[name])
        self.env = service_env(self.urls, admin_key=ADMIN, var=var, extra={
            **{f"{n.upper()}_DATABASE_URL": url for n, url in self.databases.items()},
            "CX_PUBLIC_BASE_URL": self.urls["survey"], **FAST_WORKER, **(extra or {})})
        self.processes: list[Process] = []

    def web(self, service: str, *, port: int | None = None, workers: int = 2, name: str | None = None) -> Process:
        process = Process(service, "web", self.env, self.logs, port=port or self.ports[service],
                          web_workers=workers, name=name).start()
        self.processes.append(process)
        return process

    def worker(self, service: str, *, name: str | None = None) -> Process:
        process = Process(service, "worker", self.env, self.logs, name=name).start()
        self.processes.append(process)
        return process

    def client(self, service: str, url: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=url or self.urls[service], timeout=30,
                            headers={"Authorization": f"Bearer {ADMIN}"})

    def log_tail(self, name: str, size: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-size:] if path.exists() else f"(no {path.name})"

    def close(self) -> None:
        for process in self.processes:
            process.stop()
