import pytest
from base_convert import convert, digit_sum, from_base, is_palindrome, to_base, to_digits


def test_to_digits() -> None:
    assert to_digits(0, 10) == [0]
    assert to_digits(5, 2) == [1, 0, 1]
    assert to_digits(255, 16) == [15, 15]
    assert to_digits(256, 16) == [1, 0, 0]
    assert to_digits(35, 36) == [35]
    assert to_digits(36, 36) == [1, 0]


def test_to_digits_negative_raises() -> None:
    with pytest.raises(ValueError):
        to_digits(-1, 10)


def test_base_bounds() -> None:
    assert to_base(3, 2) == "11"
    assert to_base(71, 36) == "1z"
    for bad in (1, 37, 0, -2):
        with pytest.raises(ValueError, match=f"got {bad}$"):
            to_base(10, bad)
        with pytest.raises(ValueError, match=f"got {bad}$"):
            from_base("10", bad)


def test_to_base() -> None:
    assert to_base(0, 2) == "0"
    assert to_base(10, 2) == "1010"
    assert to_base(255, 16) == "ff"
    assert to_base(8, 8) == "10"
    assert to_base(7, 8) == "7"
    assert to_base(1295, 36) == "zz"


def test_to_base_negative() -> None:
    assert to_base(-10, 2) == "-1010"
    assert to_base(-1, 16) == "-1"


def test_from_base() -> None:
    assert from_base("1010", 2) == 10
    assert from_base("ff", 16) == 255
    assert from_base("FF", 16) == 255
    assert from_base("zz", 36) == 1295
    assert from_base("0", 7) == 0
    assert from_base("007", 10) == 7


def test_from_base_negative() -> None:
    assert from_base("-1010", 2) == -10
    assert from_base("-z", 36) == -35


def test_from_base_invalid_digits() -> None:
    with pytest.raises(ValueError, match="invalid digit '2'"):
        from_base("102", 2)
    with pytest.raises(ValueError):
        from_base("g", 16)
    with pytest.raises(ValueError):
        from_base("1.5", 10)
    with pytest.raises(ValueError):
        from_base("--1", 10)
    assert from_base("f", 16) == 15
    assert from_base("1", 2) == 1


def test_from_base_empty() -> None:
    with pytest.raises(ValueError, match="no digits"):
        from_base("", 10)
    with pytest.raises(ValueError, match="no digits"):
        from_base("-", 10)


def test_roundtrip() -> None:
    for base in (2, 3, 8, 10, 16, 36):
        for number in (-100, -1, 0, 1, 2, 35, 36, 37, 1000, 123456):
            assert from_base(to_base(number, base), base) == number


def test_convert() -> None:
    assert convert("ff", 16, 2) == "11111111"
    assert convert("-777", 8, 10) == "-511"
    assert convert("0", 2, 36) == "0"
    assert convert("zz", 36, 16) == "50f"


def test_digit_sum() -> None:
    assert digit_sum(0, 10) == 0
    assert digit_sum(1234, 10) == 10
    assert digit_sum(255, 2) == 8
    assert digit_sum(255, 16) == 30


def test_is_palindrome() -> None:
    assert is_palindrome(0, 10) is True
    assert is_palindrome(7, 10) is True
    assert is_palindrome(121, 10) is True
    assert is_palindrome(1221, 10) is True
    assert is_palindrome(12, 10) is False
    assert is_palindrome(123, 10) is False
    assert is_palindrome(1231, 10) is False
    assert is_palindrome(9, 2) is True
    assert is_palindrome(10, 2) is False
    assert is_palindrome(1001, 10) is True
    assert is_palindrome(1211, 10) is False
