"""Recursive flattening of nested lists and dictionaries."""


def _is_nested(value: object) -> bool:
    """True for lists and tuples, which are flattened; everything else is a leaf."""
    return isinstance(value, (list, tuple))


def flatten(items: list) -> list:
    """Flatten arbitrarily nested lists/tuples into one list of leaves, left to right."""
    result = []
    for item in items:
        if _is_nested(item):
            result.extend(flatten(item))
        else:
            result.append(item)
    return result


def flatten_depth(items: list, depth: int) -> list:
    """Flatten only ``depth`` levels of nesting; depth 0 returns a shallow copy."""
    if depth < 0:
        raise ValueError("depth must not be negative")
    result = []
    for item in items:
        if _is_nested(item) and depth > 0:
            result.extend(flatten_depth(item, depth - 1))
        else:
            result.append(item)
    return result


def max_depth(items: object) -> int:
    """Nesting depth: 0 for a leaf, 1 for a flat list, one more per level of nesting."""
    if not _is_nested(items):
        return 0
    return 1 + max((max_depth(item) for item in items), default=0)


def count_leaves(items: object) -> int:
    """Number of leaves in a nested structure (a leaf on its own counts as 1)."""
    if not _is_nested(items):
        return 1
    return sum(count_leaves(item) for item in items)


def flatten_dict(data: dict, sep: str = ".", prefix: str = "") -> dict:
    """Flatten nested dictionaries into one level with keys joined by ``sep``; empty dicts vanish."""
    flat = {}
    for key, value in data.items():
        full_key = f"{prefix}{sep}{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_dict(value, sep, full_key))
        else:
            flat[full_key] = value
    return flat


def unflatten_dict(flat: dict, sep: str = ".") -> dict:
    """Rebuild nested dictionaries from ``sep``-joined keys; raises ValueError on conflicts."""
    root: dict = {}
    for key, value in flat.items():
        parts = key.split(sep)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"key {key!r} conflicts with a value")
        if parts[-1] in node:
            raise ValueError(f"key {key!r} conflicts with a nested section")
        node[parts[-1]] = value
    return root
