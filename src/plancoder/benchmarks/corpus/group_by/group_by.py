"""Grouping, counting and partitioning helpers for lists of records."""

from collections.abc import Callable

Record = dict[str, object]


def group_by(items: list, key: Callable) -> dict:
    """Map each key(item) to the list of items with that key, keeping input order."""
    groups = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def count_by(items: list, key: Callable) -> dict:
    """Map each key(item) to how many items have that key."""
    counts = {}
    for item in items:
        k = key(item)
        counts[k] = counts.get(k, 0) + 1
    return counts


def partition(items: list, predicate: Callable) -> tuple[list, list]:
    """Split items into (those where predicate is true, the rest), keeping order."""
    yes, no = [], []
    for item in items:
        if predicate(item):
            yes.append(item)
        else:
            no.append(item)
    return yes, no


def sum_by(records: list[Record], key_field: str, value_field: str) -> dict:
    """Sum record[value_field] for each distinct record[key_field]."""
    totals = {}
    for record in records:
        k = record[key_field]
        totals[k] = totals.get(k, 0) + record[value_field]
    return totals


def chunk(items: list, size: int) -> list[list]:
    """Split items into consecutive lists of size items; the last one may be shorter."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[start : start + size] for start in range(0, len(items), size)]


def index_by(records: list[Record], field: str) -> dict:
    """Map record[field] to its record, raising ValueError if two records share a value."""
    index = {}
    for position, record in enumerate(records):
        value = record[field]
        if value in index:
            raise ValueError(f"duplicate {field} {value!r} at position {position}")
        index[value] = record
    return index
