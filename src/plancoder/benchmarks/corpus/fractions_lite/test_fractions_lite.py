import pytest
from fractions_lite import Frac, gcd, mediant, parse_frac, to_mixed


def test_gcd() -> None:
    assert gcd(12, 18) == 6
    assert gcd(18, 12) == 6
    assert gcd(7, 13) == 1
    assert gcd(0, 5) == 5
    assert gcd(5, 0) == 5
    assert gcd(0, 0) == 0
    assert gcd(-12, 8) == 4
    assert gcd(12, -8) == 4


def test_normalisation() -> None:
    f = Frac(6, 8)
    assert (f.num, f.den) == (3, 4)
    g = Frac(3, -9)
    assert (g.num, g.den) == (-1, 3)
    h = Frac(-4, -2)
    assert (h.num, h.den) == (2, 1)
    k = Frac(3, -1)
    assert (k.num, k.den) == (-3, 1)
    z = Frac(0, -5)
    assert (z.num, z.den) == (0, 1)


def test_default_denominator_and_zero_denominator() -> None:
    f = Frac(5)
    assert (f.num, f.den) == (5, 1)
    with pytest.raises(ZeroDivisionError):
        Frac(1, 0)


def test_add_and_sub() -> None:
    assert Frac(1, 2) + Frac(1, 3) == Frac(5, 6)
    assert Frac(1, 2) + Frac(1, 2) == Frac(1)
    assert Frac(1, 2) - Frac(1, 3) == Frac(1, 6)
    assert Frac(1, 3) - Frac(1, 2) == Frac(-1, 6)
    assert Frac(3, 4) - Frac(3, 4) == Frac(0)


def test_mul_and_div() -> None:
    assert Frac(2, 3) * Frac(9, 4) == Frac(3, 2)
    assert Frac(-2, 3) * Frac(3, 2) == Frac(-1)
    assert Frac(1, 2) / Frac(1, 4) == Frac(2)
    assert Frac(2, 3) / Frac(-4, 5) == Frac(-5, 6)


def test_div_by_zero() -> None:
    with pytest.raises(ZeroDivisionError, match="division by zero fraction"):
        Frac(1, 2) / Frac(0)


def test_equality_and_hash() -> None:
    assert Frac(2, 4) == Frac(1, 2)
    assert Frac(1, 2) != Frac(1, 3)
    assert Frac(1, 2) != Frac(2, 2)
    assert Frac(1, 2) != 0.5
    assert hash(Frac(2, 4)) == hash(Frac(1, 2))
    assert len({Frac(1, 2), Frac(3, 6), Frac(1, 3)}) == 2


def test_ordering() -> None:
    assert Frac(1, 3) < Frac(1, 2)
    assert not Frac(1, 2) < Frac(1, 2)
    assert not Frac(1, 2) < Frac(1, 3)
    assert Frac(1, 2) <= Frac(1, 2)
    assert Frac(1, 3) <= Frac(1, 2)
    assert not Frac(1, 2) <= Frac(1, 3)
    assert Frac(-1, 2) < Frac(1, 3)
    assert sorted([Frac(3, 4), Frac(-1, 2), Frac(1, 3)]) == [Frac(-1, 2), Frac(1, 3), Frac(3, 4)]


def test_str_and_repr() -> None:
    assert str(Frac(3, 4)) == "3/4"
    assert str(Frac(4, 2)) == "2"
    assert str(Frac(-1, 3)) == "-1/3"
    assert str(Frac(0, 7)) == "0"
    assert repr(Frac(2, 6)) == "Frac(1, 3)"


def test_parse_frac() -> None:
    assert parse_frac("3/4") == Frac(3, 4)
    assert parse_frac(" -2/6 ") == Frac(-1, 3)
    assert parse_frac("5") == Frac(5)
    assert parse_frac("4/-8") == Frac(-1, 2)


def test_parse_frac_errors() -> None:
    with pytest.raises(ValueError):
        parse_frac("a/b")
    with pytest.raises(ValueError):
        parse_frac("1/")
    with pytest.raises(ValueError):
        parse_frac("")
    with pytest.raises(ZeroDivisionError):
        parse_frac("1/0")


def test_to_mixed() -> None:
    assert to_mixed(Frac(7, 2)) == (3, Frac(1, 2))
    assert to_mixed(Frac(-7, 2)) == (-3, Frac(-1, 2))
    assert to_mixed(Frac(6, 3)) == (2, Frac(0))
    assert to_mixed(Frac(1, 3)) == (0, Frac(1, 3))
    assert to_mixed(Frac(-1, 3)) == (0, Frac(-1, 3))
    assert to_mixed(Frac(9, 4)) == (2, Frac(1, 4))
    assert to_mixed(Frac(-1)) == (-1, Frac(0))
    assert to_mixed(Frac(-5)) == (-5, Frac(0))


def test_mediant() -> None:
    assert mediant(Frac(1, 2), Frac(2, 3)) == Frac(3, 5)
    assert mediant(Frac(0), Frac(1)) == Frac(1, 2)
    assert mediant(Frac(1, 3), Frac(1, 3)) == Frac(1, 3)
