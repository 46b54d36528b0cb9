"""Personal data in score queries: refused groupings and filters, and the minimum cell size.

For callers without personal-data access (``shared.personal_data``): grouping by a personal attribute
(``group_by=attr.name``) or filtering on one (``segment=email:...``) is refused with 422; and when a
query groups by attributes, every cell with fewer than ``min_cell_size`` answers (in any compared
window) is merged, per combination of the other groups (metric, period, touchpoint, ...), into one
cell whose attribute values read ``(other)``. When that merged cell is itself under the minimum, the
next smallest cells join it until it is not (or nothing is left), so no small cell can be recovered
by subtracting the shown cells from the group's total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from services.common.exceptions import InvalidInputError
from shared.personal_data import OTHER_GROUP, Disclosure

Counts = dict[tuple, dict[int, int]]


def check_personal_scope(args: dict[str, Any], disclosure: Disclosure) -> None:
    """Refuse (422) grouping or filtering by personal attributes for callers without access."""
    errors = disclosure.scope_errors(args.get("group_by", []), args.get("segment", []))
    if errors:
        raise InvalidInputError("personal attributes may not be grouped or filtered by with this role",
                                errors=errors)


def attribute_positions(group_by: Sequence[str]) -> list[int]:
    """Positions of attribute groups in a count key (the metric comes first)."""
    return [i + 1 for i, name in enumerate(group_by) if name.startswith("attr.")]


def _small(sizes: Sequence[int], minimum: int) -> bool:
    return any(0 < n < minimum for n in sizes)


def merge_small_cells(windows: Sequence[Counts], group_by: Sequence[str], minimum: int) -> list[Counts]:
    """The counts of each window with small attribute cells merged into ``(other)`` (see module doc)."""
    positions = attribute_positions(group_by)
    if minimum <= 1 or not positions:
        return [dict(w) for w in windows]
    labels_of: dict[tuple, set[tuple]] = defaultdict(set)
    for counts in windows:
        for key in counts:
            rest = tuple(v for i, v in enumerate(key) if i not in positions)
            labels_of[rest].add(tuple(key[i] for i in positions))
    merged_labels: dict[tuple, set[tuple]] = {}
    for rest, labels in labels_of.items():
        sizes = {label: [sum(w.get(_key(rest, label, positions), {}).values()) for w in windows]
                 for label in labels}
        merged = {label for label, n in sizes.items() if _small(n, minimum)}
        remaining = sorted(labels - merged, key=lambda label: (sum(sizes[label]), str(label)))
        while merged and remaining and _small([sum(sizes[m][w] for m in merged) for w in range(len(windows))],
                                             minimum):
            merged.add(remaining.pop(0))
        merged_labels[rest] = merged
    result: list[Counts] = []
    other = tuple(OTHER_GROUP for _ in positions)
    for counts in windows:
        out: Counts = defaultdict(lambda: defaultdict(int))
        for key, values in counts.items():
            rest = tuple(v for i, v in enumerate(key) if i not in positions)
            label = tuple(key[i] for i in positions)
            target = _key(rest, other, positions) if label in merged_labels[rest] else key
            for value, count in values.items():
                out[target][value] += count
        result.append({k: dict(v) for k, v in out.items()})
    return result


def _key(rest: tuple, label: tuple, positions: list[int]) -> tuple:
    key, rest_items, label_items = [], iter(rest), iter(label)
    for i in range(len(rest) + len(label)):
        key.append(next(label_items) if i in positions else next(rest_items))
    return tuple(key)
