"""The survey service's brand endpoints as ``/settings/brand`` uses them (mixed into ``SurveyClient``)."""

from __future__ import annotations

from typing import Any

from services.console.clients.base import Person
from shared.contracts.base import tolerant
from shared.contracts.brand import BrandSchema


class BrandCalls:
    """``GET/PUT /v1/brand`` and ``PUT/DELETE /v1/brand/logo``."""

    _brand = tolerant(BrandSchema)

    call: Any  # ConsoleClient.call

    def get_brand(self, person: Person) -> dict[str, Any]:
        """The brand in force (defaults while none is set)."""
        return self.call(person, "GET", "/v1/brand", reply_schema=self._brand)

    def set_brand(self, person: Person, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /v1/brand`` (admin): name, colour, sender, reply-to, footer per language."""
        return self.call(person, "PUT", "/v1/brand", json=body, reply_schema=self._brand)

    def upload_logo(self, person: Person, image: bytes, content_type: str) -> dict[str, Any]:
        """``PUT /v1/brand/logo`` (admin): the image as sent; the service checks, re-encodes and scales it."""
        return self.call(person, "PUT", "/v1/brand/logo", content=image, content_type=content_type,
                         reply_schema=self._brand)

    def delete_logo(self, person: Person) -> dict[str, Any]:
        """``DELETE /v1/brand/logo`` (admin)."""
        return self.call(person, "DELETE", "/v1/brand/logo", reply_schema=self._brand)
