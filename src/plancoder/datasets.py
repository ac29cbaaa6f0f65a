"""The benchmark files (the seeded-bug suite, the planning tasks): a JSON object holding one list of entries."""

import json
from pathlib import Path
from typing import Any

from plancoder.errors import PlancoderError


def read_entries(source: Path, key: str, what: str, fix: str, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The ``key`` list of a benchmark file, each entry an object with the ``required`` keys (one of
    ``a|b``); anything else is a clear error."""
    try:
        found = json.loads(source.read_text())[key]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PlancoderError(f"cannot read {what} {source}: {type(error).__name__}: {error}", fix) from None
    if not isinstance(found, list) or not all(isinstance(entry, dict) for entry in found):
        raise PlancoderError(f"cannot read {what} {source}: '{key}' is not a list of objects", fix)
    for number, entry in enumerate(found, start=1):
        if missing := [name for name in required if not any(one in entry for one in name.split("|"))]:
            lacking = ", ".join(name.replace("|", " or ") for name in missing)
            raise PlancoderError(f"entry {number} of {what} {source} lacks {lacking}", fix)
    ids = [entry["id"] for entry in found if "id" in entry]
    if twice := next((one for one in ids if ids.count(one) > 1), None):
        raise PlancoderError(f"{what} {source} has two entries with id {twice!r}", "give each entry its own id")
    return found


def in_split(entries: list[dict[str, Any]], split: str | None, limit: int | None) -> list[dict[str, Any]]:
    """The entries of one split (all when None), the first ``limit`` of them."""
    chosen = [entry for entry in entries if split is None or entry.get("split") == split]
    return chosen[:limit] if limit else chosen
