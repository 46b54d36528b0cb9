"""Personal data: which customer attributes are personal, and who may see them.

Defined once here and read by every service. A customer attribute is personal when its name, folded
(lower case, without ``_``, ``-``, ``.`` and spaces, so ``birth_date``, ``birthDate`` and ``Birth-Date``
are one name), is in the configured list (``CX_PERSONAL_ATTRIBUTES``, comma-separated; default
``DEFAULT_PERSONAL_ATTRIBUTES``).

Roles with personal-data access (``PERSONAL_DATA_ROLES``): ``admin``; ``marketer``, who already reads a
customer's contact record to run surveys; and ``service``, the calls between services, which carry
data on behalf of a caller that was checked where the request entered. Every other role
(``analyst``: "everything but personal data"; ``team_lead``, ``finance``, ``ingest``) gets replies
without personal attributes, may not group or filter by them, and sees attribute groupings only in
cells of at least ``min_cell_size`` answers (smaller cells are merged into ``OTHER_GROUP``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_PERSONAL_ATTRIBUTES: tuple[str, ...] = (
    "name", "first_name", "last_name", "full_name", "email", "phone", "mobile", "address",
    "birth_date", "birthdate")
PERSONAL_DATA_ROLES: tuple[str, ...] = ("admin", "marketer", "service")
DEFAULT_MIN_CELL_SIZE = 5
#: The group value of the cells merged because they were smaller than the minimum cell size.
OTHER_GROUP = "(other)"
SETTING = "CX_PERSONAL_ATTRIBUTES"

_SEPARATORS = re.compile(r"[\s_\-.]+")


def fold_attribute_name(name: str) -> str:
    """The comparable form of an attribute name: lower case, separators removed."""
    return _SEPARATORS.sub("", name).casefold()


def parse_personal_attributes(text: str | None) -> frozenset[str]:
    """The folded personal attribute names of a comma-separated setting; unset or blank: the defaults."""
    names = [part for part in (text or "").split(",") if part.strip()]
    return frozenset(fold_attribute_name(n) for n in (names or DEFAULT_PERSONAL_ATTRIBUTES))


def sees_personal_data(role: str) -> bool:
    """Whether a role may read personal attributes."""
    return role in PERSONAL_DATA_ROLES


@dataclass(frozen=True)
class Disclosure:
    """What one caller may see of customer attributes."""

    personal_attributes: frozenset[str]
    personal_access: bool
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE

    @classmethod
    def for_role(cls, role: str, personal_attributes: Iterable[str],
                 min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> Disclosure:
        """The disclosure of a caller of ``role``."""
        return cls(frozenset(fold_attribute_name(n) for n in personal_attributes),
                   sees_personal_data(role), min_cell_size)

    @classmethod
    def full(cls) -> Disclosure:
        """Everything (use cases called by trusted code, such as workers and tests)."""
        return cls(frozenset(), True, 0)

    def is_personal(self, attribute: str) -> bool:
        """Whether an attribute name is personal."""
        return fold_attribute_name(attribute) in self.personal_attributes

    def attributes(self, attributes: Mapping[str, Any] | None) -> dict[str, Any]:
        """The attributes this caller may read: all of them, or the non-personal ones."""
        if self.personal_access:
            return dict(attributes or {})
        return {k: v for k, v in (attributes or {}).items() if not self.is_personal(k)}

    def refused(self, attributes: Iterable[str]) -> list[str]:
        """The attributes of ``attributes`` this caller may not group or filter by."""
        if self.personal_access:
            return []
        return [a for a in attributes if self.is_personal(a)]

    def scope_errors(self, group_by: Iterable[str], segments: Iterable[str]) -> dict[str, list[str]]:
        """Why a query's groupings (``attr.<name>``) and segment filters (``name:value``) are refused, by field."""
        errors: dict[str, list[str]] = {}
        grouped = [name[5:] for name in group_by if name.startswith("attr.")]
        if refused := self.refused(grouped):
            errors["group_by"] = [f"attr.{name} is personal data; your role may not group by it" for name in refused]
        if refused := self.refused(item.partition(":")[0] for item in segments):
            errors["segment"] = [f"{name} is personal data; your role may not filter by it" for name in refused]
        return errors

    @property
    def cell_minimum(self) -> int:
        """The smallest attribute-grouped cell shown as its own (0: no minimum)."""
        return 0 if self.personal_access else self.min_cell_size
