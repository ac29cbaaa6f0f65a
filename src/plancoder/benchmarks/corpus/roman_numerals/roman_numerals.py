"""Conversion between integers and Roman numerals (1 to 3999)."""

MIN_VALUE = 1
MAX_VALUE = 3999
VALUES = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
SYMBOLS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(number: int) -> str:
    """Write ``number`` as a canonical Roman numeral; raises ValueError outside 1..3999."""
    if number < MIN_VALUE or number > MAX_VALUE:
        raise ValueError(f"{number} is outside {MIN_VALUE}..{MAX_VALUE}")
    parts = []
    remaining = number
    for value, symbol in VALUES:
        while remaining >= value:
            parts.append(symbol)
            remaining -= value
    return "".join(parts)


def symbol_value(symbol: str) -> int:
    """Value of one Roman symbol; raises ValueError for anything else."""
    if symbol not in SYMBOLS:
        raise ValueError(f"not a Roman symbol: {symbol!r}")
    return SYMBOLS[symbol]


def from_roman(text: str) -> int:
    """Parse a canonical Roman numeral (upper case); raises ValueError if it is not canonical or too large."""
    if not text:
        raise ValueError("empty numeral")
    total = 0
    for i in range(len(text)):
        value = symbol_value(text[i])
        if i + 1 < len(text) and value < symbol_value(text[i + 1]):
            total -= value
        else:
            total += value
    if to_roman(total) != text:
        raise ValueError(f"not a canonical numeral: {text!r}")
    return total


def is_roman(text: str) -> bool:
    """True when ``text`` is a canonical Roman numeral."""
    try:
        from_roman(text)
    except ValueError:
        return False
    return True


def add_roman(left: str, right: str) -> str:
    """Add two Roman numerals and return the sum as a Roman numeral."""
    return to_roman(from_roman(left) + from_roman(right))
