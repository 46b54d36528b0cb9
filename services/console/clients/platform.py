"""Calls every API service answers the same way: who am I, and API keys (admin)."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import ConsoleClient, Person
from shared.contracts.base import tolerant
from shared.contracts.health import WhoAmISchema
from shared.contracts.keys import KeyCreatedSchema, KeyListSchema, KeySchema


class PlatformClient(ConsoleClient):
    """``/v1/whoami`` and ``/v1/keys`` of one service."""

    _whoami = tolerant(WhoAmISchema)
    _key_list = tolerant(KeyListSchema)
    _key = tolerant(KeySchema)
    _key_created = tolerant(KeyCreatedSchema)

    def whoami(self, person: Person) -> dict[str, Any]:
        """How this service sees ``person`` (key id, role, subject)."""
        return self.call(person, "GET", "/v1/whoami", reply_schema=self._whoami)

    def list_keys(self, person: Person) -> list[dict[str, Any]]:
        """Every API key of this service, newest first (admin)."""
        return self.call(person, "GET", "/v1/keys", reply_schema=self._key_list)["items"]

    def create_key(self, person: Person, *, role: str, subject: str, key: str | None = None) -> dict[str, Any]:
        """Mint a key (``key`` None) or register one minted elsewhere; the reply holds the key once."""
        body: dict[str, Any] = {"role": role, "subject": subject}
        if key:
            body["key"] = key
        return self.call(person, "POST", "/v1/keys", json=body, reply_schema=self._key_created)

    def revoke_key(self, person: Person, key_id: str) -> dict[str, Any]:
        """Revoke a key on this service."""
        return self.call(person, "DELETE", f"/v1/keys/{key_id}", reply_schema=self._key)
