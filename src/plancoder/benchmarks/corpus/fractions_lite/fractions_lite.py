"""Exact rational numbers kept in lowest terms."""


def gcd(a: int, b: int) -> int:
    """Greatest common divisor of ``a`` and ``b`` (always non-negative)."""
    a, b = abs(a), abs(b)
    while b != 0:
        a, b = b, a % b
    return a


class Frac:
    """A fraction numerator/denominator with a positive denominator, in lowest terms."""

    def __init__(self, numerator: int, denominator: int = 1) -> None:
        if denominator == 0:
            raise ZeroDivisionError("denominator must not be zero")
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        common = gcd(numerator, denominator)
        self.num = numerator // common
        self.den = denominator // common

    def __add__(self, other: "Frac") -> "Frac":
        return Frac(self.num * other.den + other.num * self.den, self.den * other.den)

    def __sub__(self, other: "Frac") -> "Frac":
        return Frac(self.num * other.den - other.num * self.den, self.den * other.den)

    def __mul__(self, other: "Frac") -> "Frac":
        return Frac(self.num * other.num, self.den * other.den)

    def __truediv__(self, other: "Frac") -> "Frac":
        if other.num == 0:
            raise ZeroDivisionError("division by zero fraction")
        return Frac(self.num * other.den, self.den * other.num)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Frac) and self.num == other.num and self.den == other.den

    def __hash__(self) -> int:
        return hash((self.num, self.den))

    def __lt__(self, other: "Frac") -> bool:
        return self.num * other.den < other.num * self.den

    def __le__(self, other: "Frac") -> bool:
        return self.num * other.den <= other.num * self.den

    def __repr__(self) -> str:
        return f"Frac({self.num}, {self.den})"

    def __str__(self) -> str:
        return str(self.num) if self.den == 1 else f"{self.num}/{self.den}"


def parse_frac(text: str) -> Frac:
    """Parse '3/4', '-2/6' or '5' into a Frac; raises ValueError when malformed."""
    top, slash, bottom = text.strip().partition("/")
    if not slash:
        return Frac(int(top))
    return Frac(int(top), int(bottom))


def to_mixed(frac: Frac) -> tuple[int, Frac]:
    """Split into a whole part and a proper fraction with the same sign: -7/2 -> (-3, -1/2)."""
    whole = abs(frac.num) // frac.den
    if frac.num < 0:
        whole = -whole
    return whole, frac - Frac(whole)


def mediant(left: Frac, right: Frac) -> Frac:
    """The mediant (a+c)/(b+d), which lies between ``left`` and ``right``."""
    return Frac(left.num + right.num, left.den + right.den)
