"""gunicorn settings for every cxloop service: ``gunicorn -c deploy/gunicorn.conf.py "services.survey.app:create_app()"``.

Environment: ``CX_BIND`` (default 127.0.0.1:8000), ``CX_WEB_WORKERS`` (default 3; sync workers gave
the best throughput and tail latency on database-writing endpoints here), ``CX_WEB_THREADS`` (threads
per worker: default 8, gthread workers, for the console, whose exports outlast ``CX_WEB_TIMEOUT``; 1, sync
workers, for the API services), ``CX_WEB_TIMEOUT`` (default 30 s), ``PROMETHEUS_MULTIPROC_DIR``
(one folder per service; made and wiped at start when unset or stale).
"""

import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for services.common
from services.common.log_redaction import RedactingFilter  # noqa: E402 - standard library only

bind = os.environ.get("CX_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CX_WEB_WORKERS", "3"))
# The console streams exports of any size (every row of a table), which may take minutes. A sync worker
# tells the arbiter it is alive only between requests, so one long export got it killed at `timeout`.
# gthread workers tell it from their main loop, apart from the request threads: a long export completes,
# while a worker that hangs (its main loop stuck) is still killed at `timeout`. The API services keep sync
# workers (the best throughput on their database-writing endpoints here). CX_WEB_THREADS overrides.
_APP = next((arg for arg in sys.argv[1:] if arg.startswith("services.")), "")
threads = int(os.environ.get("CX_WEB_THREADS") or (8 if _APP.startswith("services.console.") else 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("CX_WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat file off the disk
accesslog = None  # the app writes one JSON line per request itself
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)s'  # if enabled: no referer, token segments redacted
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger with link tokens (``/r/<token>``, ``/unsubscribe/<token>``) redacted from
    the access log, if someone enables it, and from error lines such as "Error handling request"."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactingFilter())


logger_class = RedactingLogger
loglevel = os.environ.get("CX_LOG_LEVEL", "info").lower()

# One BLAS thread per process: gunicorn runs several processes already, and multi-threaded
# OpenBLAS made each L-BFGS-B step ~200x slower on a busy 2-core machine (measured).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cxloop-prometheus-")


def on_starting(server):
    """Start with an empty metrics folder: files of dead processes from an earlier run would be summed."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the multiprocess metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Freeze what the worker made at start-up (the app, its schemas and routes never become garbage),
    so a collection scans only what requests allocate; and collect the youngest generation less often,
    as a 500-event batch allocates tens of thousands of short-lived objects. In process this took
    about 10% off the CPU per batched event; reference counting still frees almost everything at once."""
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
