"""Conversion of integers between bases 2 to 36."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
MIN_BASE = 2
MAX_BASE = 36


def _check_base(base: int) -> None:
    """Raise ValueError unless ``base`` is within 2..36."""
    if base < MIN_BASE or base > MAX_BASE:
        raise ValueError(f"base must be within {MIN_BASE}..{MAX_BASE}, got {base}")


def to_digits(number: int, base: int) -> list[int]:
    """Digits of a non-negative ``number`` in ``base``, most significant first ([0] for zero)."""
    _check_base(base)
    if number < 0:
        raise ValueError("number must not be negative")
    digits = [number % base]
    number //= base
    while number > 0:
        digits.append(number % base)
        number //= base
    return digits[::-1]


def to_base(number: int, base: int) -> str:
    """Write ``number`` in ``base`` using 0-9a-z, with a leading '-' when negative."""
    sign = "-" if number < 0 else ""
    return sign + "".join(DIGITS[d] for d in to_digits(abs(number), base))


def from_base(text: str, base: int) -> int:
    """Parse ``text`` written in ``base`` (case-insensitive, optional leading '-')."""
    _check_base(base)
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if sign == -1 else text
    if not body:
        raise ValueError("no digits")
    value = 0
    for ch in body.lower():
        digit = DIGITS.find(ch)
        if digit == -1 or digit >= base:
            raise ValueError(f"invalid digit {ch!r} for base {base}")
        value = value * base + digit
    return sign * value


def convert(text: str, source_base: int, target_base: int) -> str:
    """Rewrite ``text`` from ``source_base`` into ``target_base``."""
    return to_base(from_base(text, source_base), target_base)


def digit_sum(number: int, base: int) -> int:
    """Sum of the digits of a non-negative ``number`` written in ``base``."""
    return sum(to_digits(number, base))


def is_palindrome(number: int, base: int) -> bool:
    """True when the digits of a non-negative ``number`` in ``base`` read the same both ways."""
    digits = to_digits(number, base)
    return all(digits[i] == digits[len(digits) - 1 - i] for i in range(len(digits) // 2))
