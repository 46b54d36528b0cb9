"""A thin HTTP client for seeding through the services' public APIs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpx


class SeedError(RuntimeError):
    """A call the seeding depends on did not succeed."""


class Api:
    """One service's ``/v1`` API, with a bearer key; every call has a timeout."""

    def __init__(self, base_url: str, key: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url
        self.client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=timeout)

    def call(self, method: str, path: str, *, expect: Iterable[int] = (200, 201, 202), **kwargs) -> Any:
        """Send one request; the decoded JSON reply (None when empty), or SeedError with the error envelope."""
        reply = self.client.request(method, path, **kwargs)
        if reply.status_code not in tuple(expect):
            raise SeedError(f"{method} {self.base_url}{path} -> {reply.status_code}: {reply.text[:500]}")
        return reply.json() if reply.content else None

    def get(self, path: str, **kwargs) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs) -> Any:
        return self.call("POST", path, json=body, **kwargs)

    def close(self) -> None:
        self.client.close()


def chunks(items: list, size: int) -> Iterator[list]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def post_events(api: Api, events: list[dict], size: int = 500) -> int:
    """``POST /v1/events/batch`` in batches; returns how many were accepted or replayed."""
    accepted = 0
    for batch in chunks(events, size):
        reply = api.post("/v1/events/batch", {"events": batch})
        if reply["rejected"]:
            first = next(r for r in reply["results"] if r["status"] == "rejected")
            raise SeedError(f"{reply['rejected']} events rejected, e.g. {first}")
        accepted += reply["accepted"] + reply["replayed"]
    return accepted
