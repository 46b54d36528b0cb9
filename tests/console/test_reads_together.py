"""A page's independent reads go to the services at once (``clients.together``), and a failed one is
returned in its place."""

from __future__ import annotations

import threading

import pytest

from services.console.clients.base import ServiceDownError
from services.console.clients.metrics import MetricsClient
from services.console.clients.notifier import NotifierClient
from services.console.clients.survey import SurveyClient
from services.console.clients.together import ReadsTogether


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
