"""JSON that a user gives (reports, suites, baselines): parsed with limits, and read with a clear reason."""

import json
from pathlib import Path
from typing import Any

MAX_DIGITS = 30
"""A longer integer is no count or measurement; turned into a float later it overflowed (``report``)."""


def parse_json(text: str) -> Any:
    """``json.loads`` for user input: a ValueError, never a RecursionError or an overflow later, for
    input nested too deeply, numbers too large, ``NaN`` or ``Infinity``."""
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def read_json(path: Path) -> Any:
    """The JSON value in the file at ``path``; OSError or ValueError (``reason`` says which in words)."""
    return parse_json(path.read_text(encoding="utf-8"))


def reason(error: OSError | ValueError) -> str:
    """Why a JSON file could not be read, in words."""
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return f"it is not valid JSON ({error})" if isinstance(error, json.JSONDecodeError) else str(error)


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"the number {digits[:12]}... is too large")
    return int(digits)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:12]} is too large")
    return value


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")
