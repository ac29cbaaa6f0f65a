"""Differences between dictionaries: compute, summarize, apply and invert them."""

Diff = dict[str, dict]


def diff(old: dict, new: dict) -> Diff:
    """Return the keys added (with new values), removed (with old values) and changed (old, new)."""
    added = {k: new[k] for k in new if k not in old}
    removed = {k: old[k] for k in old if k not in new}
    changed = {k: (old[k], new[k]) for k in old if k in new and old[k] != new[k]}
    return {"added": added, "removed": removed, "changed": changed}


def is_empty(d: Diff) -> bool:
    """Return True if the diff records no change at all."""
    return not d["added"] and not d["removed"] and not d["changed"]


def summarize(d: Diff) -> str:
    """Return a one-line summary such as '+2 -1 ~3', or 'no changes'."""
    if is_empty(d):
        return "no changes"
    return f"+{len(d['added'])} -{len(d['removed'])} ~{len(d['changed'])}"


def apply_diff(base: dict, d: Diff) -> dict:
    """Return a copy of base with the diff applied; raise ValueError if base does not match it."""
    result = dict(base)
    for key, value in d["removed"].items():
        if key not in result or result[key] != value:
            raise ValueError(f"cannot remove {key!r}: value differs")
        del result[key]
    for key, (before, after) in d["changed"].items():
        if key not in result or result[key] != before:
            raise ValueError(f"cannot change {key!r}: value differs")
        result[key] = after
    for key, value in d["added"].items():
        if key in result:
            raise ValueError(f"cannot add {key!r}: already present")
        result[key] = value
    return result


def invert(d: Diff) -> Diff:
    """Return the diff that undoes d."""
    changed = {k: (after, before) for k, (before, after) in d["changed"].items()}
    return {"added": dict(d["removed"]), "removed": dict(d["added"]), "changed": changed}


def flatten(nested: dict, prefix: str = "") -> dict:
    """Flatten nested dicts into one level with dotted keys; empty dicts are kept as values."""
    flat = {}
    for key, value in nested.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat
