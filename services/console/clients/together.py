"""Independent reads of one page, sent to the services at once.

A page such as the trigger editor needs several reads that do not depend on each other (published
surveys, event types, contact rules, recent events). Sent one after another their round trips add up;
sent together the page waits about as long as the slowest one. Each read is a callable that needs no
Flask context (the person is passed in, not taken from ``current_user``), because it runs on a worker
thread. A read's ``ConsoleServiceError`` is returned in its place, so a page can show what it got and
say which service failed; anything else is raised as it would be without threads.

``workers`` 1 or less sends the reads in order on the calling thread: test stacks whose in-process
services share one database connection need that (a connection serves one statement at a time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from services.console.clients.base import ConsoleServiceError


class ReadsTogether:
    """Runs a page's independent reads concurrently on a small pool of its own."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        # Made on first use, in the process that serves requests (never in a pre-fork master).
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="console-read")
            return self._pool

    def run(self, reads: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Each read's value, or the ``ConsoleServiceError`` it raised, by name."""
        if self.workers <= 1 or len(reads) < 2:
            return {name: _outcome(read) for name, read in reads.items()}
        executor = self._executor()
        futures: dict[str, Future] = {name: executor.submit(_outcome, read) for name, read in reads.items()}
        return {name: future.result() for name, future in futures.items()}

    def close(self) -> None:
        """Stop the pool's threads."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _outcome(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except ConsoleServiceError as error:
        return error
