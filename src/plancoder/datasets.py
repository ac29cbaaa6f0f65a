"""The benchmark files (the seeded-bug suite, the planning tasks): a JSON object holding one list of entries."""

from pathlib import Path
from typing import Any

from plancoder.errors import PlancoderError
from plancoder.json_files import read_json, reason


def read_entries(source: Path, key: str, what: str, fix: str, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The ``key`` list of a benchmark file, each entry an object with the ``required`` keys (one of
    ``a|b``); anything else is a clear error."""
    try:
        data = read_json(source)
    except (OSError, ValueError) as error:
        raise PlancoderError(f"cannot read {what} {source}: {reason(error)}", fix) from None
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, list) or not all(isinstance(entry, dict) for entry in found):
        raise PlancoderError(f"cannot read {what} {source}: it is not an object with a '{key}' list of objects", fix)
    for number, entry in enumerate(found, start=1):
        if missing := [name for name in required if not any(one in entry for one in name.split("|"))]:
            lacking = ", ".join(name.replace("|", " or ") for name in missing)
            raise PlancoderError(f"entry {number} of {what} {source} lacks {lacking}", fix)
    ids = [entry["id"] for entry in found if "id" in entry]
    if twice := next((one for one in ids if ids.count(one) > 1), None):
        raise PlancoderError(f"{what} {source} has two entries with id {twice!r}", "give each entry its own id")
    return found


SPLITS = ("train", "validation", "test")


def in_split(entries: list[dict[str, Any]], split: str | None, limit: int | None) -> list[dict[str, Any]]:
    """The entries of one split (all when None), the first ``limit`` of them."""
    if split is not None and split not in SPLITS:
        raise PlancoderError(f"unknown split '{split}'", f"use one of: {', '.join(SPLITS)}")
    chosen = [entry for entry in entries if split is None or entry.get("split") == split]
    return chosen[:limit] if limit else chosen
