"""A page's independent reads go to the services at once (``clients.together``), and a failed one is
returned in its place."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.console.clients.base import ServiceDownError
from services.console.clients.metrics import MetricsClient
from services.console.clients.notifier import NotifierClient
from services.console.clients.survey import SurveyClient
from services.console.clients.together import ReadsTogether
from shared.http_client import RetryPolicy, ServiceClient


def test_reads_run_at_the_same_time():
    """Three reads that each wait for the other two finish only if they run concurrently."""
    barrier = threading.Barrier(3, timeout=10)
    together = ReadsTogether(workers=4)

    def read(value):
        def go():
            barrier.wait()  # raises BrokenBarrierError after 10 s if the reads ran one by one
            return value
        return go

    try:
        assert together.run({"a": read(1), "b": read(2), "c": read(3)}) == {"a": 1, "b": 2, "c": 3}
    finally:
        together.close()


def test_a_failed_read_is_returned_in_its_place_and_other_errors_are_raised():
    together = ReadsTogether(workers=2)
    down = ServiceDownError("survey", "connection refused")

    def fails():
        raise down

    def breaks():
        raise KeyError("a bug is not a service problem")

    try:
        assert together.run({"ok": lambda: "fine", "down": fails}) == {"ok": "fine", "down": down}
        with pytest.raises(KeyError):
            together.run({"ok": lambda: "fine", "bug": breaks})
    finally:
        together.close()


def test_one_worker_reads_in_order_on_the_calling_thread():
    together = ReadsTogether(workers=1)
    seen = []
    together.run({"a": lambda: seen.append(threading.current_thread().name),
                  "b": lambda: seen.append(threading.current_thread().name)})
    assert seen == [threading.current_thread().name] * 2


def test_a_started_read_travels_while_the_page_works_and_its_error_comes_back():
    together = ReadsTogether(workers=2)
    page_done = threading.Event()
    down = ServiceDownError("survey", "connection refused")

    def read():
        assert page_done.wait(10)  # finishes only if the page went on while it was sent
        return "reply"

    def fails():
        raise down

    try:
        waiting = together.start(read)
        page_done.set()  # the page's own work, done meanwhile
        assert waiting() == "reply"
        assert together.start(fails)() is down
        with pytest.raises(KeyError):
            together.start(lambda: {}["bug"])()
    finally:
        together.close()
    inline = ReadsTogether(workers=1)  # test stacks: read at once, on the calling thread
    seen = []
    waiting = inline.start(lambda: seen.append(threading.current_thread().name) or "now")
    assert seen == [threading.current_thread().name] and waiting() == "now"


def test_a_started_read_returns_once_its_request_is_on_the_wire():
    """``start`` lets the page go on as soon as the request has been written, not when the reply comes:
    the server here answers only after the page has gone on (it waits for ``released``), so a ``start``
    that waited for the reply would hold the page until the server gave up waiting."""
    arrived, released, outcome = threading.Event(), threading.Event(), {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            arrived.set()
            outcome["released in time"] = released.wait(10)
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = ServiceClient(f"http://127.0.0.1:{server.server_address[1]}", api_key=None,
                           retry=RetryPolicy(max_attempts=1))
    together = ReadsTogether(workers=2, send_wait=60)
    try:
        waiting = together.start(lambda: client.request("GET", "/slow"))
        assert arrived.wait(10)  # the request left before start returned
        released.set()  # the page's own work is done; now the server may answer
        assert waiting() == {"ok": True}
        assert outcome["released in time"]  # start did not wait for the reply
    finally:
        together.close()
        client.close()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("client_class", [SurveyClient, MetricsClient, NotifierClient])
def test_a_clients_mixins_never_define_the_same_name_twice(client_class):
    """Each service client is made of mixins; a name two of them define (a reply schema, a method) would
    silently take the first one, as once happened to two ``_editor`` schemas."""
    seen: dict[str, str] = {}
    clashes = []
    for mixin in client_class.__mro__[1:]:
        if mixin is object or mixin.__module__.split(".")[:3] != ["services", "console", "clients"]:
            continue
        for name in vars(mixin):
            if name.startswith("__") or name == "call":
                continue
            if name in seen and seen[name] != mixin.__name__:
                clashes.append(f"{name}: {seen[name]} and {mixin.__name__}")
            seen.setdefault(name, mixin.__name__)
    assert clashes == []
