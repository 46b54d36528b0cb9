"""A real survey + metrics stack for the Segment SDK tests and the tracking bench: gunicorn for both
services and the survey worker on PostgreSQL or SQLite, an ingest key to use as the write key, and a
proxy in front of survey that can fail a request after forwarding it (so an SDK must retry a batch
the server already stored)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from services.common.migrate import upgrade
from tests.conftest import new_database_url
from tests.e2e.processes import Process, service_env
from tests.support import free_port

ADMIN = "e2e-tracking-admin-key-0123"
FAST = {"SURVEY_DISPATCH_INTERVAL_SECONDS": "0.3", "SURVEY_MATCH_INTERVAL_SECONDS": "0.3",
        "SURVEY_OUTBOX_INTERVAL_SECONDS": "0.3", "SURVEY_OUTBOX_BACKOFF_BASE_SECONDS": "0.3",
        "SURVEY_OUTBOX_BACKOFF_CAP_SECONDS": "2", "SURVEY_CONTACT_BUDGET_MAX": "1000",
        "SURVEY_TOKEN_SECRET": "e2e-tracking-token-secret", "CX_RATE_LIMIT_PER_MINUTE": "0"}
FORWARDED = ("Authorization", "Content-Type", "Content-Encoding", "User-Agent", "X-Retry-Count")


class FlakyProxy:
    """Forwards every request to ``target``; while ``fail_after_forwarding`` is positive, it answers
    503 although the target stored the body. Records each request's path and Content-Encoding."""

    def __init__(self, target: str) -> None:
        self.target, self.fail_after_forwarding = target, 0
        self.seen: list[tuple[str, str | None, int]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name: self.headers[name] for name in FORWARDED if self.headers.get(name)}
                upstream = httpx.post(proxy.target + self.path, content=body, headers=headers, timeout=30)
                status, reply = upstream.status_code, upstream.content
                if proxy.fail_after_forwarding > 0:
                    proxy.fail_after_forwarding -= 1
                    status, reply = 503, b'{"code": 503, "message": "proxy: failed after forwarding"}'
                proxy.seen.append((self.path, self.headers.get("Content-Encoding"), status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TrackingStack:
    """Survey (web + worker) and metrics (web) on one backend; ``write_key`` is a fresh ingest key."""

    def __init__(self, var: Path, backend: str, *, survey_workers: int = 2, worker: bool = True) -> None:
        self.logs = var / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        ports = {name: free_port() for name in ("survey", "metrics", "notifier")}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        self.databases = {}
        for name in ("survey", "metrics"):
            self.databases[name] = new_database_url(backend, f"cx_track_{name}", var)
            upgrade(name, self.databases[name])
        env = service_env(self.urls, admin_key=ADMIN, var=var, extra={
            **{f"{n.upper()}_DATABASE_URL": url for n, url in self.databases.items()},
            "CX_PUBLIC_BASE_URL": self.urls["survey"], **FAST})
        self.processes = [Process("survey", "web", env, self.logs, port=ports["survey"], web_workers=survey_workers),
                          Process("metrics", "web", env, self.logs, port=ports["metrics"], web_workers=1)]
        if worker:
            self.processes.append(Process("survey", "worker", env, self.logs))
        for process in self.processes:
            process.start()
        self.survey = httpx.Client(base_url=self.urls["survey"], timeout=60, headers={"Authorization": f"Bearer {ADMIN}"})
        created = self.survey.post("/v1/keys", json={"role": "ingest", "subject": "segment source"})
        assert created.status_code == 201, created.text
        self.write_key = created.json()["key"]

    def log_tail(self, name: str, size: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-size:] if path.exists() else f"(no {path.name})"

    def close(self) -> None:
        self.survey.close()
        for process in self.processes:
            process.stop()
