"""Semantic versions: parsing, ordering, bumping and simple constraints."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Version:
    """A MAJOR.MINOR.PATCH version with optional dot-separated pre-release identifiers."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return core + "-" + ".".join(self.prerelease) if self.prerelease else core


def _number(text: str) -> int:
    """Parse a numeric version part without a leading zero."""
    if not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise ValueError(f"invalid numeric part {text!r}")
    return int(text)


def parse(text: str) -> Version:
    """Parse 'MAJOR.MINOR.PATCH[-PRERELEASE]'; raises ValueError when malformed."""
    core, dash, pre = text.partition("-")
    parts = core.split(".")
    if len(parts) != 3:
        raise ValueError(f"expected MAJOR.MINOR.PATCH, got {text!r}")
    ids = tuple(pre.split(".")) if dash else ()
    if any(not ident for ident in ids):
        raise ValueError(f"empty pre-release identifier in {text!r}")
    return Version(_number(parts[0]), _number(parts[1]), _number(parts[2]), ids)


def _compare_ids(left: str, right: str) -> int:
    """Compare two pre-release identifiers: numbers numerically and below words."""
    if left.isdigit() and right.isdigit():
        a, b = int(left), int(right)
    elif left.isdigit() != right.isdigit():
        return -1 if left.isdigit() else 1
    else:
        a, b = left, right
    return (a > b) - (a < b)


def _compare_prerelease(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    """Compare pre-release tuples; a release (empty tuple) ranks above any pre-release."""
    if not left or not right:
        return (not left) - (not right)
    for a, b in zip(left, right, strict=False):
        result = _compare_ids(a, b)
        if result != 0:
            return result
    return (len(left) > len(right)) - (len(left) < len(right))


def compare(left: str, right: str) -> int:
    """Return -1, 0 or 1 as version ``left`` is lower than, equal to or higher than ``right``."""
    a, b = parse(left), parse(right)
    core_a, core_b = (a.major, a.minor, a.patch), (b.major, b.minor, b.patch)
    if core_a < core_b:
        return -1
    if core_a > core_b:
        return 1
    return _compare_prerelease(a.prerelease, b.prerelease)


def bump(text: str, part: str) -> str:
    """Increase the 'major', 'minor' or 'patch' part, resetting lower parts and the pre-release."""
    v = parse(text)
    if part == "major":
        return str(Version(v.major + 1, 0, 0))
    if part == "minor":
        return str(Version(v.major, v.minor + 1, 0))
    if part == "patch":
        return str(Version(v.major, v.minor, v.patch + 1))
    raise ValueError(f"unknown part {part!r}; use major, minor or patch")


def satisfies(version: str, constraint: str) -> bool:
    """Check ``version`` against a constraint such as '>=1.2.0', '<2.0.0', '==1.0.0' or '!=1.0.0'."""
    for op in (">=", "<=", "==", "!=", ">", "<"):
        if constraint.startswith(op):
            result = compare(version, constraint[len(op) :].strip())
            return {
                ">=": result >= 0,
                "<=": result <= 0,
                "==": result == 0,
                "!=": result != 0,
                ">": result > 0,
                "<": result < 0,
            }[op]
    raise ValueError(f"constraint needs an operator: {constraint!r}")
